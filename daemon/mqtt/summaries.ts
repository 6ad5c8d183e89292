/**
 * meshgate's own retained summaries on `meshgate/{gateway}/...`: traffic and
 * RF stats, gateway health, the node table and neighbour edges. Builders are
 * pure; `TrafficWindow` accumulates what the bus reports between two ticks.
 * Every message has a JSON schema in schema/mqtt/.
 */
import type { StoredPacket } from "../core/types.ts";
import { payloadTypeName, routeName } from "../protocol/constants.ts";
import { safeName } from "./format.ts";
import type { SummaryEdge, SummaryNode } from "./ports.ts";

export const SUMMARY_VERSION = 1;

export interface SummaryOptions {
  /** Seconds between stats/health summaries. */
  readonly intervalSec: number;
  /** Seconds between node table / edge summaries. */
  readonly graphIntervalSec: number;
  readonly includeNames: boolean;
  readonly includePositions: boolean;
  /** Decimal places kept of the gateway's own position (2 = about 1 km). */
  readonly positionPrecision: number;
  readonly maxNodes: number;
  readonly maxEdges: number;
}

export const DEFAULT_SUMMARY_OPTIONS: SummaryOptions = {
  intervalSec: 60,
  graphIntervalSec: 300,
  includeNames: true,
  includePositions: true,
  positionPrecision: 2,
  maxNodes: 500,
  maxEdges: 1000,
};

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

/** Traffic heard since the last tick. */
export class TrafficWindow {
  private start: number;
  private packets = 0;
  private firstSeen = 0;
  private byType = new Map<string, number>();
  private byRoute = new Map<string, number>();
  private snr: Range | null = null;
  private rssi: Range | null = null;
  /** Packets per minute of the last closed window (for Home Assistant). */
  lastPerMinute = 0;

  constructor(now: number) {
    this.start = now;
  }

  add(p: StoredPacket): void {
    this.packets++;
    if (p.firstSeen) this.firstSeen++;
    // Names come from the protocol's tables, but bound the map anyway.
    const t = payloadTypeName(p.payloadType);
    if (this.byType.size < 32 || this.byType.has(t))
      this.byType.set(t, (this.byType.get(t) ?? 0) + 1);
    const r = routeName(p.route);
    if (this.byRoute.size < 8 || this.byRoute.has(r))
      this.byRoute.set(r, (this.byRoute.get(r) ?? 0) + 1);
    this.snr = addRange(this.snr, p.snr);
    this.rssi = addRange(this.rssi, p.rssi);
  }

  /** Close the window: its summary, and a fresh window from `now`. */
  close(now: number): Record<string, unknown> {
    const windowSec = Math.max(0.001, (now - this.start) / 1000);
    const perMinute = Math.round((this.packets / windowSec) * 60 * 100) / 100;
    const out = {
      windowSec: Math.round(windowSec * 10) / 10,
      packets: this.packets,
      transmissions: this.firstSeen,
      perMinute,
      byType: Object.fromEntries(this.byType),
      byRoute: Object.fromEntries(this.byRoute),
      snr: rangeOut(this.snr),
      rssi: rangeOut(this.rssi),
    };
    this.lastPerMinute = perMinute;
    this.start = now;
    this.packets = 0;
    this.firstSeen = 0;
    this.byType = new Map();
    this.byRoute = new Map();
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

export function statsMessage(
  now: number,
  traffic: Record<string, unknown>,
  radios: readonly RadioSummary[],
) {
  return { v: SUMMARY_VERSION, ts: new Date(now).toISOString(), ...traffic, radios };
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
    v: SUMMARY_VERSION,
    ts: new Date(now).toISOString(),
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
    v: SUMMARY_VERSION,
    ts: new Date(now).toISOString(),
    count: nodes.length,
    truncated: nodes.length > sorted.length,
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
    v: SUMMARY_VERSION,
    ts: new Date(now).toISOString(),
    count: edges.length,
    truncated: edges.length > sorted.length,
    edges: sorted.map((e) => ({
      a: e.a.toUpperCase().slice(0, 64),
      b: e.b.toUpperCase().slice(0, 64),
      score: Math.round(Math.max(0, Math.min(1, e.score)) * 1000) / 1000,
      count: Math.max(0, Math.trunc(e.count)),
      lastSeen: Math.floor(e.lastSeen / 1000),
    })),
  };
}
