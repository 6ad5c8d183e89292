/**
 * Persistence of a MeshState as one JSON string (for the store's setMeta):
 * edges, nodes, talkers, channel counts, the hourly ring and the watermark.
 * Minute buckets are not kept: they are cheap to rebuild and soon stale.
 * Restoring reads untrusted text: malformed entries are skipped and counted,
 * a malformed document is an error value, nothing throws.
 */
import { type Bucket, HOP_BINS, RSSI_BINS, SNR_BINS } from "./analytics.ts";
import type { EdgeState } from "./graph.ts";
import { cleanExtras, cleanName } from "./nodes.ts";
import { MeshState } from "./state.ts";
import { parseStats } from "./stats.ts";
import type { ResolvedMeshConfig } from "./types.ts";

export const SNAPSHOT_VERSION = 1;

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const ID = /^(\?[0-9a-f]{2,6}|[0-9A-F]{64})$/;

export function snapshotState(s: MeshState, savedAt: number): string {
  const edges = [...s.graph.values()].map((e) => [
    e.a,
    e.b,
    e.firstSeen,
    e.lastSeen,
    e.sightings,
    e.certain,
    e.observations,
    e.score,
    e.scoreAt,
    e.hashSizes,
    e.kinds,
    e.confSum,
    e.snr,
    e.rssi,
  ]);
  const nodes = [...s.nodes.nodes.values()];
  const channels = [...s.activity.channels.entries()];
  return JSON.stringify({
    v: SNAPSHOT_VERSION,
    savedAt,
    lastId: s.lastId,
    edges,
    nodes,
    talkers: s.activity.talkersJson(),
    channels,
    hours: s.hours.range(0, Number.MAX_SAFE_INTEGER),
  });
}

export type RestoreResult =
  | { ok: true; state: MeshState; skipped: number; savedAt: number }
  | { ok: false; error: string };

export function restoreState(text: string, cfg: ResolvedMeshConfig): RestoreResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: "snapshot is not JSON" };
  }
  if (!doc || typeof doc !== "object") return { ok: false, error: "snapshot is not an object" };
  const d = doc as Record<string, unknown>;
  if (d.v !== SNAPSHOT_VERSION)
    return { ok: false, error: `unknown snapshot version ${String(d.v)}` };
  const s = new MeshState(cfg);
  let skipped = 0;
  s.lastId = num(d.lastId) ? d.lastId : 0;
  for (const raw of Array.isArray(d.nodes) ? d.nodes : []) {
    if (!raw || typeof raw !== "object") {
      skipped++;
      continue;
    }
    const r = raw as Record<string, unknown>;
    const n = typeof r.publicKey === "string" ? s.nodes.ensure(r.publicKey, 0) : undefined;
    if (!n) {
      skipped++;
      continue;
    }
    n.name = cleanName(r.name);
    n.role = num(r.role) ? r.role : 0;
    n.lat = num(r.lat) ? r.lat : null;
    n.lon = num(r.lon) ? r.lon : null;
    for (const k of [
      "firstHeard",
      "lastHeard",
      "lastAdvert",
      "lastAdvertTx",
      "advertCount",
      "advertTimestamp",
      "lastDirect",
      "relayed",
    ] as const) {
      n[k] = num(r[k]) ? r[k] : 0;
    }
    n.advertIntervalMs = num(r.advertIntervalMs) ? r.advertIntervalMs : null;
    n.fewestHops = num(r.fewestHops) ? r.fewestHops : null;
    n.snr = parseStats(r.snr);
    n.rssi = parseStats(r.rssi);
    n.extras = cleanExtras(r.extras);
  }
  for (const raw of Array.isArray(d.edges) ? d.edges : []) {
    const e = parseEdge(raw);
    if (e) s.graph.restore(e);
    else skipped++;
  }
  for (const raw of Array.isArray(d.talkers) ? d.talkers : []) {
    const t = raw as Record<string, unknown>;
    if (
      t &&
      typeof t.id === "string" &&
      ID.test(t.id) &&
      num(t.originated) &&
      num(t.relayed) &&
      num(t.score) &&
      num(t.scoreAt)
    ) {
      s.activity.restoreTalker({
        id: t.id,
        originated: t.originated,
        relayed: t.relayed,
        score: t.score,
        scoreAt: t.scoreAt,
      });
    } else skipped++;
  }
  for (const raw of Array.isArray(d.channels) ? d.channels : []) {
    if (
      Array.isArray(raw) &&
      typeof raw[0] === "string" &&
      raw[1] &&
      num(raw[1].count) &&
      num(raw[1].lastAt)
    ) {
      s.activity.channels.set(raw[0].slice(0, 40), { count: raw[1].count, lastAt: raw[1].lastAt });
    } else skipped++;
  }
  const hours: Bucket[] = [];
  for (const raw of Array.isArray(d.hours) ? d.hours : []) {
    const b = parseBucket(raw);
    if (b) hours.push(b);
    else skipped++;
  }
  s.hours.restore(hours);
  return { ok: true, state: s, skipped, savedAt: num(d.savedAt) ? d.savedAt : 0 };
}

function parseEdge(raw: unknown): EdgeState | null {
  if (!Array.isArray(raw) || raw.length !== 14) return null;
  const [
    a,
    b,
    firstSeen,
    lastSeen,
    sightings,
    certain,
    observations,
    score,
    scoreAt,
    hashSizes,
    kinds,
    confSum,
    snr,
    rssi,
  ] = raw;
  if (typeof a !== "string" || typeof b !== "string" || !ID.test(a) || !ID.test(b) || a === b)
    return null;
  if (
    ![
      firstSeen,
      lastSeen,
      sightings,
      observations,
      score,
      scoreAt,
      hashSizes,
      kinds,
      confSum,
    ].every(num)
  )
    return null;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return {
    a: lo,
    b: hi,
    firstSeen,
    lastSeen,
    sightings,
    certain,
    observations,
    score,
    scoreAt,
    hashSizes,
    kinds,
    confSum,
    snr: parseStats(snr),
    rssi: parseStats(rssi),
  };
}

function numArray(v: unknown, len: number): number[] | null {
  return Array.isArray(v) && v.length === len && v.every(num) ? (v as number[]) : null;
}

function parseBucket(raw: unknown): Bucket | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (!num(r.t) || !num(r.obs) || !num(r.tx)) return null;
  const byType = numArray(r.byType, 16);
  const byRoute = numArray(r.byRoute, 4);
  const hashSize = numArray(r.hashSize, 4);
  const hops = numArray(r.hops, HOP_BINS);
  const snr = numArray(r.snr, SNR_BINS);
  const rssi = numArray(r.rssi, RSSI_BINS);
  if (!byType || !byRoute || !hashSize || !hops || !snr || !rssi) return null;
  const airtimeMs: Record<string, number> = {};
  if (r.airtimeMs && typeof r.airtimeMs === "object") {
    for (const [k, v] of Object.entries(r.airtimeMs).slice(0, 16))
      if (num(v)) airtimeMs[k.slice(0, 64)] = v;
  }
  return { t: r.t, obs: r.obs, tx: r.tx, byType, byRoute, hashSize, hops, snr, rssi, airtimeMs };
}
