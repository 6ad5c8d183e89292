/**
 * Traffic and RF rollups in fixed rings of time buckets: one bucket per minute
 * for the last day and one per hour for the last 30 days. Memory is fixed
 * by the ring sizes whatever the traffic; an observation older than the ring
 * slot it maps to is counted as dropped.
 */

import { payloadTypeName, routeName } from "../protocol/constants.ts";
import { binIndex } from "./stats.ts";
import { PAYLOAD_NAMES, ROUTE_NAMES } from "./types.ts";

export const SNR_LO = -24;
export const SNR_BINS = 40; // 1 dB bins, -24 .. +16 dB
export const RSSI_LO = -140;
export const RSSI_BINS = 24; // 5 dB bins, -140 .. -20 dBm
export const HOP_BINS = 9; // 0..7 hops, then 8+

export interface Bucket {
  t: number;
  obs: number;
  tx: number;
  byType: number[];
  byRoute: number[];
  /** Index = path hash size (1..3) for packets with at least one hop. */
  hashSize: number[];
  hops: number[];
  snr: number[];
  rssi: number[];
  /** ms on air heard, per radio id. */
  airtimeMs: Record<string, number>;
}

/** Observations, transmissions and observations by payload type and route number. */
interface TrafficCounts {
  obs: number;
  tx: number;
  byType: number[];
  byRoute: number[];
}

function newCounts(): TrafficCounts {
  return { obs: 0, tx: 0, byType: new Array(16).fill(0), byRoute: new Array(4).fill(0) };
}

interface TrafficInput {
  readonly payloadType: number;
  readonly route: number;
  readonly firstSeen: boolean;
}

/**
 * Counts one observation, the one way traffic is counted: in the rings'
 * buckets and in the live TrafficTally. A type or route outside the
 * protocol's 4-bit / 2-bit fields counts only as an observation.
 */
function countTraffic(c: TrafficCounts, o: TrafficInput): void {
  c.obs++;
  if (o.firstSeen) c.tx++;
  if (o.payloadType >= 0 && o.payloadType < c.byType.length) c.byType[o.payloadType]!++;
  if (o.route >= 0 && o.route < c.byRoute.length) c.byRoute[o.route]!++;
}

function newBucket(t: number): Bucket {
  return {
    t,
    ...newCounts(),
    hashSize: [0, 0, 0, 0],
    hops: new Array(HOP_BINS).fill(0),
    snr: new Array(SNR_BINS).fill(0),
    rssi: new Array(RSSI_BINS).fill(0),
    airtimeMs: {},
  };
}

export interface BucketInput {
  readonly at: number;
  readonly firstSeen: boolean;
  readonly payloadType: number;
  readonly route: number;
  readonly hashSize: number;
  readonly hopCount: number;
  readonly snr: number | null;
  readonly rssi: number | null;
  readonly radioId: string;
  readonly airtimeMs: number;
}

export class Ring {
  readonly slots: (Bucket | undefined)[];
  dropped = 0;

  constructor(
    readonly bucketMs: number,
    readonly length: number,
  ) {
    this.slots = new Array(length);
  }

  add(o: BucketInput): void {
    const start = Math.floor(o.at / this.bucketMs) * this.bucketMs;
    const i = Math.floor(o.at / this.bucketMs) % this.length;
    let b = this.slots[i];
    if (!b || b.t < start) {
      b = newBucket(start);
      this.slots[i] = b;
    } else if (b.t > start) {
      this.dropped++;
      return;
    }
    countTraffic(b, o);
    if (o.hopCount > 0 && o.hashSize >= 1 && o.hashSize <= 3) b.hashSize[o.hashSize]!++;
    b.hops[Math.min(o.hopCount, HOP_BINS - 1)]!++;
    if (o.snr !== null) b.snr[binIndex(o.snr, SNR_LO, 1, SNR_BINS)]!++;
    if (o.rssi !== null) b.rssi[binIndex(o.rssi, RSSI_LO, 5, RSSI_BINS)]!++;
    if (o.airtimeMs > 0) b.airtimeMs[o.radioId] = (b.airtimeMs[o.radioId] ?? 0) + o.airtimeMs;
  }

  /** Buckets with start in [from, to), oldest first. */
  range(from: number, to: number): Bucket[] {
    const out: Bucket[] = [];
    for (const b of this.slots) if (b && b.t >= from && b.t < to) out.push(b);
    return out.sort((x, y) => x.t - y.t);
  }

  restore(buckets: readonly Bucket[]): void {
    for (const b of buckets) {
      const i = Math.floor(b.t / this.bucketMs) % this.length;
      const cur = this.slots[i];
      if (!cur || cur.t < b.t) this.slots[i] = b;
    }
  }
}

export type Range = "1h" | "24h" | "7d" | "30d";
export type SeriesKind = "packets" | "types" | "routes" | "hashSizes" | "hops" | "airtime";
export type HistKind = "snr" | "rssi";

export const RANGES: Readonly<Record<Range, { ms: number; ring: "minute" | "hour" }>> = {
  "1h": { ms: 3_600_000, ring: "minute" },
  "24h": { ms: 86_400_000, ring: "minute" },
  "7d": { ms: 7 * 86_400_000, ring: "hour" },
  "30d": { ms: 30 * 86_400_000, ring: "hour" },
};

export type Point = Record<string, number>;

function named(values: readonly number[], names: readonly string[], t: number): Point {
  const p: Point = { t };
  values.forEach((v, i) => {
    if (v > 0) p[names[i] ?? String(i)] = v;
  });
  return p;
}

/** One point per bucket for a series kind. */
export function seriesPoint(kind: SeriesKind, b: Bucket, bucketMs: number): Point {
  switch (kind) {
    case "packets":
      return { t: b.t, observations: b.obs, transmissions: b.tx, duplicates: b.obs - b.tx };
    case "types":
      return named(b.byType, PAYLOAD_NAMES, b.t);
    case "routes":
      return named(b.byRoute, ROUTE_NAMES, b.t);
    case "hashSizes":
      return { t: b.t, "1": b.hashSize[1]!, "2": b.hashSize[2]!, "3": b.hashSize[3]! };
    case "hops":
      return named(
        b.hops,
        b.hops.map((_, i) => (i === HOP_BINS - 1 ? `${i}+` : String(i))),
        b.t,
      );
    case "airtime": {
      // Channel utilisation: the fraction of the bucket the channel was busy with packets we heard.
      const p: Point = { t: b.t };
      for (const [radio, ms] of Object.entries(b.airtimeMs)) {
        p[radio] = Math.round((ms / bucketMs) * 1e5) / 1e5;
      }
      return p;
    }
  }
}

export interface HistBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
}

export function histogram(kind: HistKind, buckets: readonly Bucket[]): HistBin[] {
  const lo = kind === "snr" ? SNR_LO : RSSI_LO;
  const width = kind === "snr" ? 1 : 5;
  const n = kind === "snr" ? SNR_BINS : RSSI_BINS;
  const counts = new Array<number>(n).fill(0);
  for (const b of buckets) {
    const src = kind === "snr" ? b.snr : b.rssi;
    for (let i = 0; i < n; i++) counts[i]! += src[i] ?? 0;
  }
  return counts.map((count, i) => ({ lo: lo + i * width, hi: lo + (i + 1) * width, count }));
}

/** Counts by name: observations, transmissions, payload types and routes. */
export interface TrafficTotals {
  readonly observations: number;
  readonly transmissions: number;
  /** Payload type name ("UNKNOWN" when undecodable) -> observations; absent when none. */
  readonly byType: Readonly<Record<string, number>>;
  /** Route name -> observations; absent when none. */
  readonly byRoute: Readonly<Record<string, number>>;
}

/**
 * The live traffic count since start: the one place observations are counted
 * by type and route. HTTP (/api/stats, /metrics) reads its totals and the
 * MQTT stats summary the difference between two ticks. Memory is fixed: the
 * names come from the protocol's tables, so at most 17 types and 5 routes.
 */
export class TrafficTally {
  private readonly c = newCounts();

  add(o: TrafficInput): void {
    countTraffic(this.c, o);
  }

  totals(): TrafficTotals {
    const c = this.c;
    return {
      observations: c.obs,
      transmissions: c.tx,
      byType: byName(c.byType, c.obs, payloadTypeName),
      byRoute: byName(c.byRoute, c.obs, routeName),
    };
  }
}

/** Counts by the protocol's names; what no number holds (outside the fields) is "UNKNOWN". */
function byName(
  counts: readonly number[],
  total: number,
  name: (n: number) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  let named = 0;
  counts.forEach((v, i) => {
    if (v === 0) return;
    out[name(i)] = (out[name(i)] ?? 0) + v;
    named += v;
  });
  if (total > named) out.UNKNOWN = (out.UNKNOWN ?? 0) + total - named;
  return out;
}

/** What was counted between two snapshots of the same tally (names with no change left out). */
export function trafficSince(now: TrafficTotals, before: TrafficTotals): TrafficTotals {
  const diff = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(a)) if (v - (b[k] ?? 0) > 0) out[k] = v - (b[k] ?? 0);
    return out;
  };
  return {
    observations: now.observations - before.observations,
    transmissions: now.transmissions - before.transmissions,
    byType: diff(now.byType, before.byType),
    byRoute: diff(now.byRoute, before.byRoute),
  };
}
