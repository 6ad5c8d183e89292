/**
 * The evidence graph: undirected edges between path tokens as heard, never
 * between guesses. A token is a full upper-hex key (an advert's originator),
 * `@` + a receiving radio's id, or `?` + a lower-hex path hash. Each sighting
 * updates one edge in O(1); distinct transmissions are told apart with a
 * capped table of recent packet hashes, so the relayed copies of one flood
 * count once as a sighting and each as an observation. Which nodes an edge
 * joins is worked out from it (resolve.ts) and cached on it as `res`, so a
 * key learnt later re-attributes every sighting, and a rebuild that reads the
 * same hearings holds the same edges.
 *
 * Tokens are interned to small integers and edges keyed by a number: hashing
 * two 64-char keys joined into a fresh string on every lookup was the hot spot.
 */
import { EdgeColumns, type EdgeEnds, EdgeRecord, type EdgeState } from "./edge-record.ts";
import { ID_SPAN, pairKey } from "./pair-counts.ts";
import { decay } from "./stats.ts";

export type { EdgeEnds, EdgeState } from "./edge-record.ts";

export const EDGE_RX = 1; // the receiving radio heard this node directly
export const EDGE_RELAY = 2; // consecutive hops in a path
export const EDGE_ADVERT = 4; // an advert's originator and its first hop

export interface Sighting {
  readonly hash: string;
  readonly at: number;
  readonly hashSize: number;
  readonly kind: number;
  readonly snr: number | null;
  readonly rssi: number | null;
}

const RECENT_TX = 4096;

/** A display id names a known node (not a bare prefix or a radio of unknown key). */
export function isResolvedId(id: string): boolean {
  return !id.startsWith("?") && !id.startsWith("@");
}

/**
 * A token's neighbours, in the smallest form that holds them: the one
 * neighbour itself, an array of up to SMALL_DEGREE, or a Set past that. Most
 * tokens have one or a few (a node's key: the radio that heard its advert),
 * and a Set for each held 3 MB more with 20,000 nodes and 100,000 edges
 * (bench/mesh-tables.ts: the state's heap 67.7 -> 64.7 MB). Only radios and
 * busy 1-byte hashes reach the Set.
 */
type Adjacent = string | string[] | Set<string>;
const SMALL_DEGREE = 16;

/** Only a path hash may name both ends of an edge (see `add`). */
export function isSelfLinkable(token: string): boolean {
  return token.startsWith("?");
}

export class Graph {
  private readonly edges = new Map<number, EdgeRecord>();
  /** The edges' numbers (edge-record.ts). */
  private readonly cols = new EdgeColumns();
  /** Each token's neighbours (see Adjacent). */
  private readonly adj = new Map<string, Adjacent>();
  /** hash -> edge keys already counted for that transmission (insertion-ordered, capped). */
  private readonly recent = new Map<string, Set<number>>();
  private readonly intern = new Map<string, number>();
  /**
   * Each id's token, the instance first seen. Edges and neighbours keep this
   * one: tokens arrive as fresh strings (a decoded path, a restored row), and
   * a copy per edge held 3.3 MB more of heap in a state of 100,000 edges
   * restored by bench/mesh-tables.ts.
   */
  private readonly names: string[] = [];
  /**
   * Ids of tokens whose last edge went, oldest first, each with the count
   * of transmissions `recent` had taken in when it was freed. An id is
   * handed out again once RECENT_TX more have come, so no edge key left
   * in `recent` can name a new pair. (Before, every token ever heard kept
   * its id, its string and its place in `intern` while the daemon ran.)
   */
  private freeIds: number[] = [];
  private freedAt: number[] = [];
  private freeHead = 0;
  /** Transmissions `recent` has taken in. */
  private transmissions = 0;

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

  /** Every edge touching a token. */
  edgesOf(token: string): EdgeState[] {
    const s = this.adj.get(token);
    if (s === undefined) return [];
    const out: EdgeState[] = [];
    for (const o of typeof s === "string" ? [s] : s) {
      const e = this.get(token, o);
      if (e) out.push(e);
    }
    return out;
  }

  hasToken(token: string): boolean {
    return this.adj.has(token);
  }

  /** Tokens with an id: those of the edges held. */
  get tokenCount(): number {
    return this.intern.size;
  }

  /** Ids handed out so far, held or freed: what `names` holds. */
  get idSpan(): number {
    return this.names.length;
  }

  private idOf(s: string): number {
    let id = this.intern.get(s);
    if (id === undefined) {
      const h = this.freeHead;
      if (h < this.freeIds.length && this.freedAt[h]! + RECENT_TX <= this.transmissions) {
        id = this.freeIds[h]!;
        this.names[id] = s;
        this.freeHead++;
        if (this.freeHead > 1024 && this.freeHead * 2 > this.freeIds.length) this.dropTaken();
      } else {
        if (this.names.length >= ID_SPAN) this.reintern();
        id = this.names.length;
        this.names.push(s);
      }
      this.intern.set(s, id);
    }
    return id;
  }

  /** Free ids handed out leave the front of the queue. */
  private dropTaken(): void {
    this.freeIds = this.freeIds.slice(this.freeHead);
    this.freedAt = this.freedAt.slice(this.freeHead);
    this.freeHead = 0;
  }

  /** A token's last edge went: its id is freed (see freeIds). */
  private forget(t: string): void {
    const id = this.intern.get(t);
    if (id === undefined) return;
    this.intern.delete(t);
    this.names[id] = "";
    this.freeIds.push(id);
    this.freedAt.push(this.transmissions);
  }

  private keyOf(a: string, b: string): number {
    const x = this.idOf(a);
    const y = this.idOf(b);
    // Interning b may have started the ids over, a's with them.
    return this.intern.get(a) === x ? pairKey(x, y) : pairKey(this.idOf(a), y);
  }

  /** The interned instance of a token the graph knows. */
  private canon(t: string): string {
    return this.names[this.intern.get(t)!]!;
  }

  private keyIfKnown(a: string, b: string): number | undefined {
    const x = this.intern.get(a);
    const y = this.intern.get(b);
    if (x === undefined || y === undefined) return undefined;
    return pairKey(x, y);
  }

  private reintern(): void {
    const all = [...this.edges.values()];
    this.intern.clear();
    this.names.length = 0;
    this.freeIds = [];
    this.freedAt = [];
    this.freeHead = 0;
    this.edges.clear();
    this.recent.clear();
    for (const e of all) this.edges.set(this.keyOf(e.a, e.b), e);
  }

  /**
   * Count a sighting of a-b; returns the edge, whose `observations` is 1
   * when this call created it (no result object per call: a rebuild makes
   * millions). `s` is read, never kept.
   */
  add(a: string, b: string, s: Sighting): EdgeState | null {
    // Two hops with the same hash are two nodes sharing a prefix (twins next
    // to each other): kept, and resolved to two distinct keys. A full key or
    // radio next to itself is no link.
    if (a === b && !isSelfLinkable(a)) return null;
    const key = this.keyOf(a, b);
    let e = this.edges.get(key);
    if (!e) {
      const x = this.canon(a);
      const y = this.canon(b);
      e = x < y ? this.record(x, y) : this.record(y, x);
      e.firstSeen = s.at;
      e.lastSeen = s.at;
      e.scoreAt = s.at;
      this.edges.set(key, e);
      this.link(x, y);
    }
    e.observations++;
    e.hashSizes |= 1 << s.hashSize;
    e.kinds |= s.kind;
    if (s.at < e.firstSeen) e.firstSeen = s.at;
    if (s.at > e.lastSeen) e.lastSeen = s.at;
    e.hear(s.snr, s.rssi);
    if (this.firstForTransmission(s.hash, key)) {
      e.sightings++;
      if (s.at >= e.scoreAt) {
        e.score = decay(e.score, e.scoreAt, s.at, this.halfLifeMs) + 1;
        e.scoreAt = s.at;
      } else {
        e.score += decay(1, s.at, e.scoreAt, this.halfLifeMs);
      }
    }
    return e;
  }

  /** Put a restored edge back as is (its fields are copied; `e` is not kept). */
  restore(e: EdgeState): void {
    const key = this.keyOf(e.a, e.b);
    let r = this.edges.get(key);
    if (!r) {
      r = this.record(this.canon(e.a), this.canon(e.b));
      this.edges.set(key, r);
      this.link(r.a, r.b);
    }
    r.firstSeen = e.firstSeen;
    r.lastSeen = e.lastSeen;
    r.sightings = e.sightings;
    r.observations = e.observations;
    r.score = e.score;
    r.scoreAt = e.scoreAt;
    r.hashSizes = e.hashSizes;
    r.kinds = e.kinds;
    r.setStats(e.snr, e.rssi);
    r.res = e.res;
  }

  private record(a: string, b: string): EdgeRecord {
    return new EdgeRecord(this.cols, this.cols.times.alloc(), a, b);
  }

  /** Take an edge out; its record keeps only its tokens (its row is handed out again). */
  private remove(key: number): EdgeEnds | undefined {
    const e = this.edges.get(key);
    if (!e) return undefined;
    this.edges.delete(key);
    this.unlink(e.a, e.b);
    this.unlink(e.b, e.a);
    e.release();
    return e;
  }

  /** Drop edges unseen since `cutoff`, then the weakest past `maxEdges`. Returns the dropped. */
  prune(now: number, cutoff: number, maxEdges: number): EdgeEnds[] {
    const steps = this.pruneSteps(now, cutoff, maxEdges);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * `prune` as steps of at most `chunk` edges each (for the scheduler). Past
   * the cap, the weakest `excess` edges are found by selection, not by
   * sorting them all: the score that ranks `excess`-th, every edge below it,
   * then the edges at exactly that score in token order (the order a full
   * sort by score then `a + b` gives), so the same edges go either way.
   */
  *pruneSteps(
    now: number,
    cutoff: number,
    maxEdges: number,
    chunk = 4096,
  ): Generator<undefined, EdgeEnds[], void> {
    const dropped: EdgeEnds[] = [];
    let n = 0;
    // Keys, not entries: no [key, edge] pair per edge.
    for (const key of this.edges.keys()) {
      if (this.edges.get(key)!.lastSeen < cutoff) dropped.push(this.remove(key)!);
      if (++n % chunk === 0) yield;
    }
    if (this.edges.size <= maxEdges) return dropped;
    const size = this.edges.size;
    const excess = size - Math.floor(maxEdges * 0.9);
    const keys = new Float64Array(size);
    const scores = new Float64Array(size);
    let i = 0;
    for (const key of this.edges.keys()) {
      keys[i] = key;
      scores[i] = this.scoreAt(this.edges.get(key)!, now);
      if (++i % chunk === 0) yield;
    }
    const cut = kthSmallest(scores.slice(), excess - 1);
    yield;
    const gone: number[] = [];
    const ties: { key: number; order: string }[] = [];
    for (let j = 0; j < size; j++) {
      if (scores[j]! < cut) gone.push(keys[j]!);
      else if (scores[j] === cut) {
        const e = this.edges.get(keys[j]!)!;
        ties.push({ key: keys[j]!, order: e.a + e.b });
      }
      if ((j + 1) % chunk === 0) yield;
    }
    ties.sort((x, y) => (x.order < y.order ? -1 : 1));
    for (let j = 0; gone.length < excess && j < ties.length; j++) gone.push(ties[j]!.key);
    for (let j = 0; j < gone.length; j++) {
      const e = this.remove(gone[j]!);
      if (e) dropped.push(e);
      if ((j + 1) % chunk === 0) yield;
    }
    return dropped;
  }

  scoreAt(e: EdgeState, now: number): number {
    return decay(e.score, e.scoreAt, now, this.halfLifeMs);
  }

  private firstForTransmission(hash: string, key: number): boolean {
    let set = this.recent.get(hash);
    if (!set) {
      set = new Set();
      this.recent.set(hash, set);
      this.transmissions++;
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
    this.adjoin(a, b);
    this.adjoin(b, a);
  }

  private adjoin(x: string, y: string): void {
    const s = this.adj.get(x);
    if (s === undefined) this.adj.set(x, y);
    else if (typeof s === "string") {
      if (s !== y) this.adj.set(x, [s, y]);
    } else if (Array.isArray(s)) {
      if (s.includes(y)) return;
      // concat allocates the exact length; spread, push and filter leave
      // room to grow (22 slots for 4 neighbours). bench/mesh-tables.ts:
      // the restored state's heap 49.8 -> 47.0 MB.
      if (s.length < SMALL_DEGREE) this.adj.set(x, s.concat([y]));
      else this.adj.set(x, new Set(s).add(y));
    } else s.add(y);
  }

  private unlink(x: string, y: string): void {
    const s = this.adj.get(x);
    if (s === undefined) return;
    if (typeof s === "string") {
      if (s === y) {
        this.adj.delete(x);
        this.forget(x);
      }
    } else if (Array.isArray(s)) {
      const i = s.indexOf(y);
      if (i < 0) return;
      if (s.length === 2) this.adj.set(x, s[1 - i]!);
      else this.adj.set(x, s.slice(0, i).concat(s.slice(i + 1)));
    } else {
      s.delete(y);
      if (s.size === 0) {
        this.adj.delete(x);
        this.forget(x);
      }
    }
  }
}

/**
 * The k-th smallest value (0-based) of `a`, which it reorders: Hoare's
 * selection, O(n) on average.
 */
export function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
