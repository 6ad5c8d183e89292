/**
 * meshgate's own retained summaries on `meshgate/{gateway}/...`: traffic and
 * RF stats, gateway health, the node table and neighbour edges. Builders are
 * pure; `TrafficWindow` accumulates what the bus reports between two ticks.
 * Every message has a JSON schema in schema/mqtt/.
 */
import { applyDefaults, type FromSchema } from "../core/schema-type.ts";
import { TrafficTally, type TrafficTotals, trafficSince } from "../mesh/analytics.ts";
import { SUMMARIES_SCHEMA } from "./config-schema.ts";
import { safeName } from "./format.ts";
import type { SummaryEdge, SummaryNode } from "./ports.ts";

export const SUMMARY_VERSION = 1;

/** `mqtt.summaries` with defaults applied (mqtt/config-schema.ts). */
export type SummaryOptions = Readonly<FromSchema<typeof SUMMARIES_SCHEMA>>;

export const DEFAULT_SUMMARY_OPTIONS: SummaryOptions = applyDefaults(SUMMARIES_SCHEMA);

/** Gateway names become one topic level: keep it plain. */
export function topicName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32);
  return s.length > 0 ? s : "meshgate";
}

export function roundCoord(v: number | null, decimals: number): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** Math.max(0, Math.min(6, Math.trunc(decimals)));
  return Math.round(v * f) / f;
}

interface Range {
  min: number;
  max: number;
  sum: number;
  n: number;
}

function addRange(r: Range | null, v: number | null): Range | null {
  if (v === null || !Number.isFinite(v)) return r;
  if (!r) return { min: v, max: v, sum: v, n: 1 };
  return { min: Math.min(r.min, v), max: Math.max(r.max, v), sum: r.sum + v, n: r.n + 1 };
}

function rangeOut(r: Range | null): { min: number; avg: number; max: number } | null {
  if (!r) return null;
  return { min: r.min, avg: Math.round((r.sum / r.n) * 100) / 100, max: r.max };
}

/**
 * Traffic heard since the last tick. The counts are the difference of the
 * daemon's one traffic tally between two ticks; only the signal ranges, which
 * are per window by nature, are kept here.
 */
export class TrafficWindow {
  private start: number;
  private before: TrafficTotals;
  private snr: Range | null = null;
  private rssi: Range | null = null;
  /** Packets per minute of the last closed window (for Home Assistant). */
  lastPerMinute = 0;

  constructor(
    now: number,
    private readonly tally: TrafficTally = new TrafficTally(),
  ) {
    this.start = now;
    this.before = tally.totals();
  }

  addSignal(p: { readonly snr: number | null; readonly rssi: number | null }): void {
    this.snr = addRange(this.snr, p.snr);
    this.rssi = addRange(this.rssi, p.rssi);
  }

  /** Close the window: its summary, and a fresh window from `now`. */
  close(now: number): Record<string, unknown> {
    const totals = this.tally.totals();
    const d = trafficSince(totals, this.before);
    const windowSec = Math.max(0.001, (now - this.start) / 1000);
    const perMinute = Math.round((d.observations / windowSec) * 60 * 100) / 100;
    const out = {
      windowSec: Math.round(windowSec * 10) / 10,
      packets: d.observations,
      transmissions: d.transmissions,
      perMinute,
      byType: d.byType,
      byRoute: d.byRoute,
      snr: rangeOut(this.snr),
      rssi: rangeOut(this.rssi),
    };
    this.lastPerMinute = perMinute;
    this.start = now;
    this.before = totals;
    this.snr = null;
    this.rssi = null;
    return out;
  }
}

export interface RadioSummary {
  readonly id: string;
  readonly publicKey: string | null;
  readonly state: string;
  readonly radio: string | null;
  readonly noiseFloor: number | null;
  readonly txAirSecs: number | null;
  readonly rxAirSecs: number | null;
}

/** What every summary starts with: its format version and when it was built. */
export function summaryStamp(now: number) {
  return { v: SUMMARY_VERSION, ts: new Date(now).toISOString() };
}

/** The head of a capped list: how many there are and whether the list was cut. */
function listHead(now: number, total: number, kept: number) {
  return { ...summaryStamp(now), count: total, truncated: total > kept };
}

export function statsMessage(
  now: number,
  traffic: Record<string, unknown>,
  radios: readonly RadioSummary[],
) {
  return { ...summaryStamp(now), ...traffic, radios };
}

export interface HealthInput {
  readonly name: string;
  readonly version: string;
  readonly iata: string;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly startedAt: number;
  readonly radios: readonly RadioSummary[];
  readonly brokers: readonly { id: string; state: string; depth: number }[];
  readonly outboxDropped: number;
  readonly extra: Readonly<Record<string, string | number | boolean | null>>;
}

export function healthMessage(now: number, h: HealthInput, o: SummaryOptions) {
  const pos = o.includePositions;
  return {
    ...summaryStamp(now),
    name: safeName(h.name, "meshgate"),
    version: h.version,
    iata: h.iata,
    lat: pos ? roundCoord(h.lat, o.positionPrecision) : null,
    lon: pos ? roundCoord(h.lon, o.positionPrecision) : null,
    uptimeSec: Math.max(0, Math.round((now - h.startedAt) / 1000)),
    radios: h.radios,
    brokers: h.brokers,
    outboxDropped: h.outboxDropped,
    extra: h.extra,
  };
}

export function nodesMessage(
  now: number,
  nodes: readonly SummaryNode[],
  changed: readonly { key: string; change: string }[],
  o: SummaryOptions,
) {
  const sorted = [...nodes].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, o.maxNodes);
  return {
    ...listHead(now, nodes.length, sorted.length),
    nodes: sorted.map((n) => ({
      key: n.publicKey.toUpperCase().slice(0, 64),
      name: o.includeNames && n.name !== null ? safeName(n.name, "") : null,
      role: Number.isInteger(n.role) && n.role >= 0 && n.role <= 15 ? n.role : 0,
      // Adverts are public, but an operator may still not want them re-published.
      lat: o.includePositions ? roundCoord(n.lat, 6) : null,
      lon: o.includePositions ? roundCoord(n.lon, 6) : null,
      lastSeen: Math.floor(n.lastSeen / 1000),
    })),
    changed: changed.slice(0, o.maxNodes),
  };
}

export function edgesMessage(now: number, edges: readonly SummaryEdge[], o: SummaryOptions) {
  const sorted = [...edges].sort((a, b) => b.score - a.score).slice(0, o.maxEdges);
  return {
    ...listHead(now, edges.length, sorted.length),
    edges: sorted.map((e) => ({
      a: e.a.toUpperCase().slice(0, 64),
      b: e.b.toUpperCase().slice(0, 64),
      score: Math.round(Math.max(0, Math.min(1, e.score)) * 1000) / 1000,
      count: Math.max(0, Math.trunc(e.count)),
      lastSeen: Math.floor(e.lastSeen / 1000),
    })),
  };
}
