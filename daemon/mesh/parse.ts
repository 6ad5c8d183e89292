/**
 * Readers for the saved mesh state (store rows, persist.ts): every field is
 * checked, since the rows come from disk and may be damaged or from another
 * version. A malformed entry is reported as null / false and counted by the
 * caller; nothing throws.
 */
import type { Bucket } from "./analytics.ts";
import { HOP_BINS, RSSI_BINS, SNR_BINS } from "./analytics.ts";
import { type EdgeState, isSelfLinkable } from "./graph.ts";
import { cleanExtras, cleanName, type NodeState } from "./nodes.ts";
import type { MeshState, RadioIdentity } from "./state.ts";
import { parseStats, statsRow } from "./stats.ts";
import type { TokenStats } from "./token-table.ts";

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const TOKEN = /^(\?[0-9a-f]{2,6}|@[\x21-\x7e]{1,64}|[0-9A-F]{64})$/;
const ID = TOKEN;

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

/**
 * A node row of tables version 2 (node_stats kind 1): its fields in this
 * order as one JSON array, the key in the row's id. Named fields and the key
 * repeated in every row made the rows 2.5 times the size: some 9 MB in the
 * hot DB at 20,000 nodes. Still read; written only for a node whose times
 * the compact form below cannot carry exactly.
 */
export const NODE_ROW_FIELDS = [
  "name",
  "role",
  "lat",
  "lon",
  "firstHeard",
  "lastHeard",
  "lastAdvert",
  "lastAdvertTx",
  "advertCount",
  "advertIntervalMs",
  "advertTimestamp",
  "fewestHops",
  "snr",
  "rssi",
  "lastDirect",
  "relayed",
  "extras",
] as const satisfies readonly (keyof NodeState)[];

/**
 * A node row of tables version 3, told from version 2 by its first cell, a
 * number (version 2 starts with the name, a string or null). Four of the
 * five times are written as differences, mostly 0: a node heard only by its
 * adverts has one time, written once. Cells equal to their default (below)
 * are left off the end. The average row went from 133 to 61 characters
 * with 16,394 nodes (`meshgate backup` near the end of a bench/soak.ts
 * --nodes 20000 run), and the hot DB from 7.1 to 5.8 MiB.
 *
 *   0 lastHeard                      9 floor(lastAdvertTx / 1000) - advertTimestamp
 *   1 lastHeard - firstHeard        10 advertIntervalMs
 *   2 lastHeard - lastAdvert        11 fewestHops
 *   3 lastAdvert - lastAdvertTx     12 relayed
 *   4 advertCount                   13 lastDirect
 *   5 name  6 role  7 lat  8 lon    14 snr  15 rssi  16 extras
 */
const V3_DEFAULTS: readonly unknown[] = [
  undefined,
  0,
  0,
  0,
  0,
  null,
  0,
  null,
  null,
  0,
  null,
  null,
  0,
  0,
  null,
  null,
  null,
];

/**
 * A node as its saved row's data: version 3, or version 2 when a time is not
 * a safe integer (a difference would not give it back exactly).
 */
export function nodeRow(n: NodeState): unknown[] {
  const row: unknown[] = [
    n.lastHeard,
    n.lastHeard - n.firstHeard,
    n.lastHeard - n.lastAdvert,
    n.lastAdvert - n.lastAdvertTx,
    n.advertCount,
    n.name,
    n.role,
    n.lat,
    n.lon,
    Math.floor(n.lastAdvertTx / 1000) - n.advertTimestamp,
    n.advertIntervalMs,
    n.fewestHops,
    n.relayed,
    n.lastDirect,
    statsRow(n.snr),
    statsRow(n.rssi),
    n.extras,
  ];
  const exact = [n.lastHeard, n.firstHeard, n.lastAdvert, n.lastAdvertTx, n.advertTimestamp].every(
    (t) => Number.isSafeInteger(t) && Math.abs(t) < 2 ** 52,
  );
  if (!exact)
    return NODE_ROW_FIELDS.map((f) => (f === "snr" || f === "rssi" ? statsRow(n[f]) : n[f]));
  while (row.length > 1 && row[row.length - 1] === V3_DEFAULTS[row.length - 1]) row.pop();
  return row;
}

/** A row's cells by field (version 2 or 3), or null when it is neither. */
function nodeRowFields(raw: unknown[]): Record<string, unknown> | null {
  if (typeof raw[0] !== "number") {
    if (raw.length !== NODE_ROW_FIELDS.length) return null;
    const r: Record<string, unknown> = {};
    NODE_ROW_FIELDS.forEach((f, i) => {
      r[f] = raw[i];
    });
    return r;
  }
  if (raw.length > V3_DEFAULTS.length || !num(raw[0])) return null;
  const c = (i: number): number => (num(raw[i]) ? raw[i] : 0);
  const lastHeard = c(0);
  const lastAdvert = lastHeard - c(2);
  const lastAdvertTx = lastAdvert - c(3);
  return {
    lastHeard,
    firstHeard: lastHeard - c(1),
    lastAdvert,
    lastAdvertTx,
    advertTimestamp: Math.floor(lastAdvertTx / 1000) - c(9),
    advertCount: raw[4],
    name: raw[5],
    role: raw[6],
    lat: raw[7],
    lon: raw[8],
    advertIntervalMs: raw[10],
    fewestHops: raw[11],
    relayed: raw[12],
    lastDirect: raw[13],
    snr: raw[14],
    rssi: raw[15],
    extras: raw[16],
  };
}

/**
 * Put one saved node back; false when it is malformed. `raw` is a row's
 * data: a version 3 or 2 array (nodeRow), or (tables version 1) an object
 * with the key inside.
 */
export function restoreNode(s: MeshState, id: string, raw: unknown): boolean {
  let r: Record<string, unknown>;
  if (Array.isArray(raw)) {
    const f = nodeRowFields(raw);
    if (!f) return false;
    r = { ...f, publicKey: id };
  } else if (raw && typeof raw === "object") r = raw as Record<string, unknown>;
  else return false;
  if (typeof r.publicKey !== "string") return false;
  const n = (k: string): number => (num(r[k]) ? r[k] : 0);
  const orNull = (k: string): number | null => (num(r[k]) ? r[k] : null);
  return s.nodes.put({
    publicKey: r.publicKey,
    name: cleanName(r.name),
    role: n("role"),
    lat: orNull("lat"),
    lon: orNull("lon"),
    firstHeard: n("firstHeard"),
    lastHeard: n("lastHeard"),
    lastAdvert: n("lastAdvert"),
    lastAdvertTx: n("lastAdvertTx"),
    advertCount: n("advertCount"),
    advertIntervalMs: orNull("advertIntervalMs"),
    advertTimestamp: n("advertTimestamp"),
    fewestHops: orNull("fewestHops"),
    snr: parseStats(r.snr),
    rssi: parseStats(r.rssi),
    lastDirect: n("lastDirect"),
    relayed: n("relayed"),
    extras: cleanExtras(r.extras),
  });
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

/**
 * An edge as one `edges` row (schema 004): its fields in column order,
 * radio-link RF as JSON `[snr, rssi]` (statsRow each; `{"snr", "rssi"}`
 * before tables version 4).
 */
export function edgeRow(e: EdgeState): (string | number | null)[] {
  const rf = e.snr || e.rssi ? JSON.stringify([statsRow(e.snr), statsRow(e.rssi)]) : null;
  return [
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
    rf,
  ];
}

/** An `edges` row back to an edge (its resolution is worked out again), or null when malformed. */
export function edgeFromRow(raw: readonly unknown[]): EdgeState | null {
  if (raw.length !== 11) return null;
  const [a, b] = raw;
  if (typeof a !== "string" || typeof b !== "string" || !ID.test(a) || !ID.test(b)) return null;
  if (a === b && !isSelfLinkable(a)) return null;
  const nums = raw.slice(2, 10);
  if (!nums.every(num)) return null;
  const [firstSeen, lastSeen, sightings, observations, score, scoreAt, hashSizes, kinds] =
    nums as number[];
  let rf: unknown = null;
  if (typeof raw[10] === "string") {
    try {
      rf = JSON.parse(raw[10]);
    } catch {
      return null;
    }
  }
  const [snr, rssi] = Array.isArray(rf)
    ? rf
    : [(rf as Record<string, unknown> | null)?.snr, (rf as Record<string, unknown> | null)?.rssi];
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return {
    a: lo,
    b: hi,
    firstSeen: firstSeen!,
    lastSeen: lastSeen!,
    sightings: sightings!,
    observations: observations!,
    score: score!,
    scoreAt: scoreAt!,
    hashSizes: hashSizes!,
    kinds: kinds!,
    snr: parseStats(snr),
    rssi: parseStats(rssi),
    res: null,
  };
}

/** A `radios` row (radio id, key, name, role, lat, lon, seen) to a radio identity, or null. */
export function radioFromRow(r: readonly unknown[]): RadioIdentity | null {
  return parseRadio({
    radioId: r[0],
    publicKey: r[1],
    name: r[2],
    role: r[3],
    lat: r[4],
    lon: r[5],
  });
}

/**
 * A path token's statistics as its saved row (tables version 4): [lastHeard,
 * fewestHops, relayed, lastDirect, snr, rssi], where versions 1-3 saved an
 * object with those names.
 */
export function tokenRow(t: TokenStats): unknown[] {
  return [t.lastHeard, t.fewestHops, t.relayed, t.lastDirect, statsRow(t.snr), statsRow(t.rssi)];
}

export function parseToken(raw: unknown): TokenStats | null {
  if (Array.isArray(raw)) {
    if (raw.length !== 6) return null;
    const [lastHeard, fewestHops, relayed, lastDirect, snr, rssi] = raw;
    return parseToken({ lastHeard, fewestHops, relayed, lastDirect, snr, rssi });
  }
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
