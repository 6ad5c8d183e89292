/**
 * Read-only, JSON-serialisable views of a MeshState: what the HTTP API serves.
 */

import { byCodeUnit } from "../core/order.ts";
import type { DutyPoint, TalkerView } from "./activity.ts";
import {
  type HistBin,
  type HistKind,
  histogram,
  type Point,
  RANGES,
  type Range,
  type SeriesKind,
  seriesPoint,
} from "./analytics.ts";
import { type EdgeState, isResolvedId } from "./graph.ts";
import { type EdgeView, LinkSet } from "./links.ts";
import type { NodeHealth } from "./nodes.ts";
import type { Collision } from "./prefix-index.ts";
import { sureId } from "./resolve.ts";
import type { Counters, MeshState } from "./state.ts";
import { type HealthThresholds, roleName } from "./types.ts";

export interface GraphOptions {
  /** Only edges seen in at least this many distinct transmissions (default 1). */
  readonly minSightings?: number;
  /** Only edges whose mean confidence reaches this (default 0). */
  readonly minConfidence?: number;
  /** Only edges whose both ends are resolved node keys. */
  readonly resolvedOnly?: boolean;
  /** Cap on edges returned, strongest first (default 5000). */
  readonly limit?: number;
}

export interface GraphNode {
  readonly id: string;
  readonly resolved: boolean;
  readonly name: string | null;
  readonly role: string;
  readonly lat: number | null;
  readonly lon: number | null;
  /** For an unresolved prefix: how many known nodes share it. */
  readonly candidates?: number;
}

export interface GraphEdge extends EdgeView {
  readonly distanceKm?: number;
}

export interface GraphView {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

export function graphView(s: MeshState, now: number, o: GraphOptions = {}): GraphView {
  const minS = o.minSightings ?? 1;
  const minC = o.minConfidence ?? 0;
  const links = new LinkSet(now, s.cfg.edgeHalfLifeMs);
  for (const e of s.graph.values()) links.add(e);
  const edges: GraphEdge[] = [];
  for (const v of links.views()) {
    if (v.sightings < minS) continue;
    if (o.resolvedOnly && !(isResolvedId(v.a) && isResolvedId(v.b))) continue;
    if (v.confidence < minC) continue;
    const d = s.distance(v.a, v.b);
    edges.push(d === null ? v : { ...v, distanceKm: Math.round(d * 100) / 100 });
  }
  edges.sort((x, y) => y.score - x.score || byCodeUnit(x.a + x.b, y.a + y.b));
  edges.length = Math.min(edges.length, o.limit ?? 5000);
  const ids = new Set<string>();
  for (const e of edges) {
    ids.add(e.a);
    ids.add(e.b);
  }
  const nodes: GraphNode[] = [...ids].sort().map((id) => graphNode(s, id));
  return { nodes, edges };
}

function graphNode(s: MeshState, id: string): GraphNode {
  if (id.startsWith("@")) {
    // A radio whose key was never reported: the gateway, by its radio id.
    return { id, resolved: false, name: id.slice(1), role: "unknown", lat: null, lon: null };
  }
  if (!isResolvedId(id)) {
    const prefix = id.slice(1);
    return {
      id,
      resolved: false,
      name: null,
      role: "unknown",
      lat: null,
      lon: null,
      candidates: s.nodes.index.count(prefix),
    };
  }
  const n = s.nodes.get(id);
  return {
    id,
    resolved: true,
    name: n?.name ?? null,
    role: roleName(n?.role),
    lat: n?.lat ?? null,
    lon: n?.lon ?? null,
  };
}

export function nodeList(s: MeshState, now: number): NodeHealth[] {
  return [...s.nodes.values()]
    .map((n) => s.nodes.health(s.nodeView(n), now))
    .sort(
      (a, b) => (b.lastHeard ?? 0) - (a.lastHeard ?? 0) || byCodeUnit(a.publicKey, b.publicKey),
    );
}

export interface NodeDetail extends NodeHealth {
  readonly thresholds: HealthThresholds;
  readonly neighbours: GraphEdge[];
  /** Other known nodes sharing this node's 1-, 2- and 3-byte prefixes. */
  readonly sharesPrefixWith: { readonly bytes: number; readonly keys: string[] }[];
}

export function nodeDetail(s: MeshState, key: string, now: number): NodeDetail | null {
  const k = key.toUpperCase();
  const n = s.nodes.get(k);
  if (!n) return null;
  // The tokens that may stand for this node; their edges resolved to it are its links.
  const tokens = [k, ...[1, 2, 3].map((b) => `?${k.slice(0, b * 2).toLowerCase()}`)];
  for (const r of s.radioIds.values()) if (r.publicKey === k) tokens.push(`@${r.radioId}`);
  const links = new LinkSet(now, s.cfg.edgeHalfLifeMs);
  const seen = new Set<EdgeState>();
  for (const t of tokens) {
    for (const e of s.graph.edgesOf(t)) {
      const r = e.res;
      if (seen.has(e) || !r || (r.a !== k && r.b !== k)) continue;
      seen.add(e);
      links.add(e);
    }
  }
  const neighbours: GraphEdge[] = links.views().map((v) => {
    const d = s.distance(v.a, v.b);
    return d === null ? v : { ...v, distanceKm: Math.round(d * 100) / 100 };
  });
  neighbours.sort((x, y) => y.score - x.score || byCodeUnit(x.a + x.b, y.a + y.b));
  const sharesPrefixWith = [1, 2, 3]
    .map((bytes) => ({
      bytes,
      keys: s.nodes.index.lookup(k.slice(0, bytes * 2)).filter((x) => x !== k),
    }))
    .filter((x) => x.keys.length > 0);
  return {
    ...s.nodes.health(s.nodeView(n), now),
    thresholds: s.nodes.thresholds(n.role),
    neighbours,
    sharesPrefixWith,
  };
}

export interface CollisionReport {
  readonly knownNodes: number;
  /** How many prefixes of each size are shared by several known nodes. */
  readonly shared: { readonly "1": number; readonly "2": number; readonly "3": number };
  readonly collisions: Collision[];
}

export function collisionReport(s: MeshState, limit = 500): CollisionReport {
  const all = s.nodes.index.collisions();
  const count = (b: number) => all.filter((c) => c.bytes === b).length;
  return {
    knownNodes: s.nodes.size,
    shared: { "1": count(1), "2": count(2), "3": count(3) },
    collisions: all.slice(0, limit),
  };
}

export type AnalyticsKind = SeriesKind | HistKind | "duty";

export type AnalyticsResult =
  | { kind: SeriesKind; range: Range; bucketMs: number; points: Point[] }
  | { kind: HistKind; range: Range; bins: HistBin[] }
  | { kind: "duty"; range: Range; radios: Record<string, DutyPoint[]> };

export function analytics(
  s: MeshState,
  kind: AnalyticsKind,
  range: Range,
  now: number,
): AnalyticsResult | null {
  const r = RANGES[range];
  if (!r) return null;
  const from = now - r.ms;
  if (kind === "duty") {
    const radios: Record<string, DutyPoint[]> = {};
    for (const id of s.activity.radios.keys()) radios[id] = s.activity.duty(id, from, now + 1);
    return { kind, range, radios };
  }
  const ring = r.ring === "minute" ? s.minutes : s.hours;
  const buckets = ring.range(from - ring.bucketMs, now + 1);
  if (kind === "snr" || kind === "rssi") return { kind, range, bins: histogram(kind, buckets) };
  const kinds: readonly string[] = ["packets", "types", "routes", "hashSizes", "hops", "airtime"];
  if (!kinds.includes(kind)) return null;
  return {
    kind,
    range,
    bucketMs: ring.bucketMs,
    points: buckets.map((b) => seriesPoint(kind, b, ring.bucketMs)),
  };
}

export interface MeshSummary {
  readonly nodes: number;
  readonly edges: number;
  readonly resolvedEdges: number;
  /** Evidence edges by how their ends were settled (resolve.ts). */
  readonly resolution: Readonly<Record<string, number>>;
  readonly lastId: number;
  readonly counters: Readonly<
    Counters & { ringDropped: number; nodesEvicted: number; channelsOverflow: number }
  >;
  readonly rejected: Readonly<Record<string, number>>;
  readonly health: { healthy: number; degraded: number; silent: number };
  readonly topTalkers: TalkerView[];
  readonly channels: Record<string, number>;
  readonly hashSizes: { "1": number; "2": number; "3": number };
}

/** Talkers are counted per token; a path hash that stands for one known node is shown as it. */
function topTalkers(s: MeshState, now: number, limit: number): TalkerView[] {
  const merged = new Map<
    string,
    { id: string; originated: number; relayed: number; score: number }
  >();
  for (const t of s.activity.topTalkers(now, Number.MAX_SAFE_INTEGER)) {
    const id = sureId(t.id, s.ctx) ?? t.id;
    const m = merged.get(id);
    if (m) {
      m.originated += t.originated;
      m.relayed += t.relayed;
      m.score = Math.round((m.score + t.score) * 1000) / 1000;
    } else merged.set(id, { ...t, id });
  }
  return [...merged.values()]
    .sort((a, b) => b.score - a.score || byCodeUnit(a.id, b.id))
    .slice(0, limit);
}

export function summary(s: MeshState, now: number): MeshSummary {
  let resolvedEdges = 0;
  const resolution: Record<string, number> = {};
  for (const e of s.graph.values()) {
    const r = e.res;
    if (!r) continue;
    if (isResolvedId(r.a) && isResolvedId(r.b)) resolvedEdges++;
    resolution[r.how] = (resolution[r.how] ?? 0) + 1;
  }
  const health = { healthy: 0, degraded: 0, silent: 0 };
  for (const n of s.nodes.values()) health[s.nodes.status(s.nodeView(n), now)]++;
  const hs = { "1": 0, "2": 0, "3": 0 };
  for (const b of s.hours.range(now - RANGES["30d"].ms, now + 1)) {
    hs["1"] += b.hashSize[1]!;
    hs["2"] += b.hashSize[2]!;
    hs["3"] += b.hashSize[3]!;
  }
  const channels: Record<string, number> = {};
  for (const [name, c] of s.activity.channels) channels[name] = c.count;
  return {
    nodes: s.nodes.size,
    edges: s.graph.size,
    resolvedEdges,
    resolution,
    lastId: s.lastId,
    counters: {
      ...s.counters,
      ringDropped: s.minutes.dropped,
      nodesEvicted: s.nodes.evicted,
      channelsOverflow: s.activity.channelsOverflow,
    },
    rejected: Object.fromEntries(s.rejectReasons),
    health,
    topTalkers: topTalkers(s, now, 10),
    channels,
    hashSizes: hs,
  };
}
