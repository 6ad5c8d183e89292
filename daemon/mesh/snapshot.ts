/**
 * A MeshState as one JSON string: evidence edges, nodes, tokens, radios,
 * talkers, channel counts, the rings and the watermark. Used to copy a state
 * (a rebuild that continues from the current one) and by tests; the daemon
 * persists in store tables, row by row (persist.ts), never as one value.
 * Restoring reads untrusted text: malformed entries are skipped and counted,
 * a malformed document is an error value, nothing throws.
 */
import { type Bucket, HOP_BINS, RSSI_BINS, SNR_BINS } from "./analytics.ts";
import { type EdgeState, isSelfLinkable } from "./graph.ts";
import { cleanExtras, cleanName } from "./nodes.ts";
import { MeshState, type RadioIdentity, type TokenStats } from "./state.ts";
import { parseStats } from "./stats.ts";
import type { ResolvedMeshConfig } from "./types.ts";

export const SNAPSHOT_VERSION = 2;

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const TOKEN = /^(\?[0-9a-f]{2,6}|@[\x21-\x7e]{1,64}|[0-9A-F]{64})$/;
const ID = TOKEN;

export function snapshotState(s: MeshState, savedAt: number): string {
  const edges = [...s.graph.values()].map((e) => [
    e.a,
    e.b,
    e.firstSeen,
    e.lastSeen,
    e.sightings,
    e.observations,
    e.score,
    e.scoreAt,
    e.hashSizes,
    e.kinds,
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
    tokens: [...s.tokens.entries()],
    radios: [...s.radioIds.values()],
    minutes: s.minutes.range(0, Number.MAX_SAFE_INTEGER),
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
  for (const raw of Array.isArray(d.nodes) ? d.nodes : []) if (!restoreNode(s, raw)) skipped++;
  for (const raw of Array.isArray(d.radios) ? d.radios : []) {
    const r = parseRadio(raw);
    if (r) s.setRadio(r);
    else skipped++;
  }
  for (const raw of Array.isArray(d.edges) ? d.edges : []) {
    const e = parseEdge(raw);
    if (e) s.graph.restore(e);
    else skipped++;
  }
  for (const raw of Array.isArray(d.talkers) ? d.talkers : [])
    if (!restoreTalker(s, raw)) skipped++;
  skipped += restoreChannels(s, d.channels);
  for (const raw of Array.isArray(d.tokens) ? d.tokens : []) {
    const t = Array.isArray(raw) && typeof raw[0] === "string" ? parseToken(raw[1]) : null;
    if (t && TOKEN.test(raw[0])) s.tokens.set(raw[0], t);
    else skipped++;
  }
  for (const [ring, list] of [
    [s.hours, d.hours],
    [s.minutes, d.minutes],
  ] as const) {
    const out: Bucket[] = [];
    for (const raw of Array.isArray(list) ? list : []) {
      const b = parseBucket(raw);
      if (b) out.push(b);
      else skipped++;
    }
    ring.restore(out);
  }
  s.settle();
  return { ok: true, state: s, skipped, savedAt: num(d.savedAt) ? d.savedAt : 0 };
}

/** Put saved channel counts back ([name, {count, lastAt}] pairs); returns how many were malformed. */
export function restoreChannels(s: MeshState, list: unknown): number {
  let skipped = 0;
  for (const raw of Array.isArray(list) ? list : []) {
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
  return skipped;
}

/** Put one saved node back; false when it is malformed. */
export function restoreNode(s: MeshState, raw: unknown): boolean {
  if (!raw || typeof raw !== "object") return false;
  const r = raw as Record<string, unknown>;
  const n = typeof r.publicKey === "string" ? s.nodes.ensure(r.publicKey, 0) : undefined;
  if (!n) return false;
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
  return true;
}

/** Put one saved talker back; false when it is malformed. */
export function restoreTalker(s: MeshState, raw: unknown): boolean {
  const t = raw as Record<string, unknown> | null;
  if (
    !t ||
    typeof t !== "object" ||
    typeof t.id !== "string" ||
    !ID.test(t.id) ||
    !num(t.originated) ||
    !num(t.relayed) ||
    !num(t.score) ||
    !num(t.scoreAt)
  )
    return false;
  s.activity.restoreTalker({
    id: t.id,
    originated: t.originated,
    relayed: t.relayed,
    score: t.score,
    scoreAt: t.scoreAt,
  });
  return true;
}

export function parseEdge(raw: unknown): EdgeState | null {
  if (!Array.isArray(raw) || raw.length !== 12) return null;
  const [a, b, firstSeen, lastSeen, sightings, observations, score, scoreAt, hashSizes, kinds] =
    raw;
  if (typeof a !== "string" || typeof b !== "string" || !ID.test(a) || !ID.test(b)) return null;
  if (a === b && !isSelfLinkable(a)) return null;
  if (![firstSeen, lastSeen, sightings, observations, score, scoreAt, hashSizes, kinds].every(num))
    return null;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return {
    a: lo,
    b: hi,
    firstSeen,
    lastSeen,
    sightings,
    observations,
    score,
    scoreAt,
    hashSizes,
    kinds,
    snr: parseStats(raw[10]),
    rssi: parseStats(raw[11]),
    res: null,
  };
}

export function parseToken(raw: unknown): TokenStats | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (!num(r.lastHeard) || !num(r.relayed) || !num(r.lastDirect)) return null;
  return {
    lastHeard: r.lastHeard,
    fewestHops: num(r.fewestHops) ? r.fewestHops : null,
    relayed: r.relayed,
    lastDirect: r.lastDirect,
    snr: parseStats(r.snr),
    rssi: parseStats(r.rssi),
  };
}

export function parseRadio(raw: unknown): RadioIdentity | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.radioId !== "string" || r.radioId.length === 0 || r.radioId.length > 64) return null;
  if (typeof r.publicKey !== "string" || !/^[0-9A-F]{64}$/.test(r.publicKey)) return null;
  return {
    radioId: r.radioId,
    publicKey: r.publicKey,
    name: cleanName(r.name),
    role: num(r.role) ? r.role : 0,
    lat: num(r.lat) ? r.lat : null,
    lon: num(r.lon) ? r.lon : null,
  };
}

function numArray(v: unknown, len: number): number[] | null {
  return Array.isArray(v) && v.length === len && v.every(num) ? (v as number[]) : null;
}

export function parseBucket(raw: unknown): Bucket | null {
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
