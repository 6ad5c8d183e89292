/**
 * Links: the evidence graph's edges seen through their resolution. Several
 * edges may name the same pair of nodes (a 1-byte and a 2-byte hash of the
 * same repeater, twins told apart by context); a link sums them. What the
 * graph and node endpoints serve.
 */
import type { EdgeState } from "./graph.ts";
import { EDGE_ADVERT, EDGE_RELAY, EDGE_RX } from "./graph.ts";
import { decay, mergeStats, type RunningStats, type StatsView, viewStats } from "./stats.ts";

export interface EdgeView {
  readonly a: string;
  readonly b: string;
  readonly score: number;
  /** Sighting-weighted mean of the edges' resolution confidence (resolve.ts). */
  readonly confidence: number;
  readonly sightings: number;
  /** Sightings whose both ends were known without weighing. */
  readonly certainSightings: number;
  readonly observations: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly hashSizes: number[];
  readonly kinds: string[];
  readonly snr?: StatsView;
  readonly rssi?: StatsView;
}

interface Link {
  a: string;
  b: string;
  score: number;
  confW: number;
  sightings: number;
  certain: number;
  observations: number;
  firstSeen: number;
  lastSeen: number;
  hashSizes: number;
  kinds: number;
  snr: RunningStats | null;
  rssi: RunningStats | null;
}

export class LinkSet {
  private readonly links = new Map<string, Link>();

  constructor(
    private readonly now: number,
    private readonly halfLifeMs: number,
  ) {}

  /** Fold one edge in under its resolution (edges without one, or naming one node twice, are skipped). */
  add(e: EdgeState): void {
    const r = e.res;
    if (!r || r.a === r.b) return;
    const [a, b] = r.a < r.b ? [r.a, r.b] : [r.b, r.a];
    const k = `${a}|${b}`;
    let l = this.links.get(k);
    const score = decay(e.score, e.scoreAt, this.now, this.halfLifeMs);
    if (!l) {
      l = {
        a,
        b,
        score: 0,
        confW: 0,
        sightings: 0,
        certain: 0,
        observations: 0,
        firstSeen: e.firstSeen,
        lastSeen: e.lastSeen,
        hashSizes: 0,
        kinds: 0,
        snr: null,
        rssi: null,
      };
      this.links.set(k, l);
    }
    const later = e.lastSeen >= l.lastSeen;
    l.score += score;
    l.confW += r.confidence * e.sightings;
    l.sightings += e.sightings;
    if (r.sure) l.certain += e.sightings;
    l.observations += e.observations;
    l.firstSeen = Math.min(l.firstSeen, e.firstSeen);
    l.lastSeen = Math.max(l.lastSeen, e.lastSeen);
    l.hashSizes |= e.hashSizes;
    l.kinds |= e.kinds;
    l.snr = mergeStats(l.snr, e.snr, later);
    l.rssi = mergeStats(l.rssi, e.rssi, later);
  }

  get size(): number {
    return this.links.size;
  }

  views(): EdgeView[] {
    const out: EdgeView[] = [];
    for (const l of this.links.values()) out.push(linkView(l));
    return out;
  }
}

function linkView(l: Link): EdgeView {
  const hashSizes: number[] = [];
  for (let s = 1; s <= 3; s++) if (l.hashSizes & (1 << s)) hashSizes.push(s);
  const kinds: string[] = [];
  if (l.kinds & EDGE_RX) kinds.push("rx");
  if (l.kinds & EDGE_RELAY) kinds.push("relay");
  if (l.kinds & EDGE_ADVERT) kinds.push("advert");
  const snr = viewStats(l.snr);
  const rssi = viewStats(l.rssi);
  return {
    a: l.a,
    b: l.b,
    score: Math.round(l.score * 1000) / 1000,
    confidence: l.sightings > 0 ? Math.round((l.confW / l.sightings) * 1000) / 1000 : 0,
    sightings: l.sightings,
    certainSightings: l.certain,
    observations: l.observations,
    firstSeen: l.firstSeen,
    lastSeen: l.lastSeen,
    hashSizes,
    kinds,
    ...(snr ? { snr } : {}),
    ...(rssi ? { rssi } : {}),
  };
}
