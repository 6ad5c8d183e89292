/**
 * The neighbour graph: undirected edges between node ids, where an id is a
 * full upper-hex key (resolved) or `?` + the lower-hex prefix (unresolved).
 * Each sighting updates one edge in O(1); distinct transmissions are told
 * apart with a capped table of recent packet hashes, so the relayed copies of
 * one flood count once as a sighting and each as an observation.
 *
 * Ids are interned to small integers and edges keyed by a number: hashing two
 * 64-char keys joined into a fresh string on every lookup was the hot spot.
 */
import { addStat, decay, type RunningStats, type StatsView, viewStats } from "./stats.ts";

export const EDGE_RX = 1; // the receiving radio heard this node directly
export const EDGE_RELAY = 2; // consecutive hops in a path
export const EDGE_ADVERT = 4; // an advert's originator and its first hop

export interface EdgeState {
  a: string;
  b: string;
  firstSeen: number;
  lastSeen: number;
  /** Distinct transmissions. */
  sightings: number;
  /** Distinct transmissions where both ends were certain (full key or unique prefix). */
  certain: number;
  /** Every hearing, relayed copies included. */
  observations: number;
  score: number;
  scoreAt: number;
  /** Bit (1 << size) per path hash size seen. */
  hashSizes: number;
  kinds: number;
  confSum: number;
  snr: RunningStats | null;
  rssi: RunningStats | null;
}

export interface EdgeView {
  readonly a: string;
  readonly b: string;
  readonly score: number;
  readonly confidence: number;
  readonly sightings: number;
  readonly certainSightings: number;
  readonly observations: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly hashSizes: number[];
  readonly kinds: string[];
  readonly snr?: StatsView;
  readonly rssi?: StatsView;
}

export interface Sighting {
  readonly hash: string;
  readonly at: number;
  readonly hashSize: number;
  readonly kind: number;
  readonly confidence: number;
  /** Both ends known without context (anchors or unique prefixes). */
  readonly certain: boolean;
  readonly snr: number | null;
  readonly rssi: number | null;
}

const RECENT_TX = 4096;

/** Interned ids stay below 2^26, so lo * 2^26 + hi is an exact safe integer. */
const ID_SPAN = 2 ** 26;

export function isResolvedId(id: string): boolean {
  return !id.startsWith("?");
}

export class Graph {
  private readonly edges = new Map<number, EdgeState>();
  private readonly adj = new Map<string, Set<string>>();
  /** hash -> edge keys already counted for that transmission (insertion-ordered, capped). */
  private readonly recent = new Map<string, Set<number>>();
  private readonly intern = new Map<string, number>();

  constructor(private readonly halfLifeMs: number) {}

  get size(): number {
    return this.edges.size;
  }

  values(): IterableIterator<EdgeState> {
    return this.edges.values();
  }

  get(a: string, b: string): EdgeState | undefined {
    const k = this.keyIfKnown(a, b);
    return k === undefined ? undefined : this.edges.get(k);
  }

  private idOf(s: string): number {
    let id = this.intern.get(s);
    if (id === undefined) {
      id = this.intern.size;
      if (id >= ID_SPAN) {
        // Ids of pruned edges are never reused; start over when they run out.
        this.reintern();
        id = this.intern.size;
      }
      this.intern.set(s, id);
    }
    return id;
  }

  private keyOf(a: string, b: string): number {
    const x = this.idOf(a);
    const y = this.idOf(b);
    return x < y ? x * ID_SPAN + y : y * ID_SPAN + x;
  }

  private keyIfKnown(a: string, b: string): number | undefined {
    const x = this.intern.get(a);
    const y = this.intern.get(b);
    if (x === undefined || y === undefined) return undefined;
    return x < y ? x * ID_SPAN + y : y * ID_SPAN + x;
  }

  private reintern(): void {
    const all = [...this.edges.values()];
    this.intern.clear();
    this.edges.clear();
    this.recent.clear();
    for (const e of all) this.edges.set(this.keyOf(e.a, e.b), e);
  }

  /**
   * Certain sightings of a-b: what hop resolution may lean on. Sightings that
   * were themselves resolved by context are left out, so a wrong guess cannot
   * vote for itself.
   */
  certainOf(a: string, b: string): number {
    return this.get(a, b)?.certain ?? 0;
  }

  neighbours(id: string): readonly string[] {
    const s = this.adj.get(id);
    return s ? [...s] : [];
  }

  add(a: string, b: string, s: Sighting): void {
    if (a === b) return;
    const key = this.keyOf(a, b);
    let e = this.edges.get(key);
    if (!e) {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      e = {
        a: lo,
        b: hi,
        firstSeen: s.at,
        lastSeen: s.at,
        sightings: 0,
        certain: 0,
        observations: 0,
        score: 0,
        scoreAt: s.at,
        hashSizes: 0,
        kinds: 0,
        confSum: 0,
        snr: null,
        rssi: null,
      };
      this.edges.set(key, e);
      this.link(a, b);
    }
    e.observations++;
    e.confSum += s.confidence;
    e.hashSizes |= 1 << s.hashSize;
    e.kinds |= s.kind;
    if (s.at < e.firstSeen) e.firstSeen = s.at;
    if (s.at > e.lastSeen) e.lastSeen = s.at;
    if (s.snr !== null) e.snr = addStat(e.snr, s.snr);
    if (s.rssi !== null) e.rssi = addStat(e.rssi, s.rssi);
    if (this.firstForTransmission(s.hash, key)) {
      e.sightings++;
      if (s.certain) e.certain++;
      if (s.at >= e.scoreAt) {
        e.score = decay(e.score, e.scoreAt, s.at, this.halfLifeMs) + 1;
        e.scoreAt = s.at;
      } else {
        e.score += decay(1, s.at, e.scoreAt, this.halfLifeMs);
      }
    }
  }

  /** Put a restored edge back as is. */
  restore(e: EdgeState): void {
    const key = this.keyOf(e.a, e.b);
    if (!this.edges.has(key)) this.link(e.a, e.b);
    this.edges.set(key, e);
  }

  private remove(key: number): void {
    const e = this.edges.get(key);
    if (!e) return;
    this.edges.delete(key);
    this.unlink(e.a, e.b);
    this.unlink(e.b, e.a);
  }

  /** Drop edges unseen since `cutoff`, then the weakest past `maxEdges`. Returns how many. */
  prune(now: number, cutoff: number, maxEdges: number): number {
    let dropped = 0;
    for (const [key, e] of this.edges) {
      if (e.lastSeen < cutoff) {
        this.remove(key);
        dropped++;
      }
    }
    if (this.edges.size > maxEdges) {
      const ranked = [...this.edges.entries()]
        .map(([k, e]) => [k, this.scoreAt(e, now)] as const)
        .sort((x, y) => x[1] - y[1]);
      const excess = this.edges.size - Math.floor(maxEdges * 0.9);
      for (let i = 0; i < excess; i++) {
        this.remove(ranked[i]![0]);
        dropped++;
      }
    }
    return dropped;
  }

  scoreAt(e: EdgeState, now: number): number {
    return decay(e.score, e.scoreAt, now, this.halfLifeMs);
  }

  view(e: EdgeState, now: number): EdgeView {
    const hashSizes: number[] = [];
    for (let s = 1; s <= 3; s++) if (e.hashSizes & (1 << s)) hashSizes.push(s);
    const kinds: string[] = [];
    if (e.kinds & EDGE_RX) kinds.push("rx");
    if (e.kinds & EDGE_RELAY) kinds.push("relay");
    if (e.kinds & EDGE_ADVERT) kinds.push("advert");
    const snr = viewStats(e.snr);
    const rssi = viewStats(e.rssi);
    return {
      a: e.a,
      b: e.b,
      score: Math.round(this.scoreAt(e, now) * 1000) / 1000,
      confidence: Math.round((e.observations ? e.confSum / e.observations : 0) * 1000) / 1000,
      sightings: e.sightings,
      certainSightings: e.certain,
      observations: e.observations,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      hashSizes,
      kinds,
      ...(snr ? { snr } : {}),
      ...(rssi ? { rssi } : {}),
    };
  }

  private firstForTransmission(hash: string, key: number): boolean {
    let set = this.recent.get(hash);
    if (!set) {
      set = new Set();
      this.recent.set(hash, set);
      if (this.recent.size > RECENT_TX) {
        const oldest = this.recent.keys().next().value;
        if (oldest !== undefined) this.recent.delete(oldest);
      }
    }
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }

  private link(a: string, b: string): void {
    this.adjOf(a).add(b);
    this.adjOf(b).add(a);
  }

  private adjOf(id: string): Set<string> {
    let s = this.adj.get(id);
    if (!s) {
      s = new Set();
      this.adj.set(id, s);
    }
    return s;
  }

  private unlink(a: string, b: string): void {
    const s = this.adj.get(a);
    if (!s) return;
    s.delete(b);
    if (s.size === 0) this.adj.delete(a);
  }
}
