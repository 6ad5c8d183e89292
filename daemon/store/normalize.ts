/**
 * Bounds every field that came off the air (names, texts, summaries, JSON
 * extras) before it reaches the DB or the journal. Oversized values are
 * truncated or dropped and counted, never rejected with a throw.
 */
import type { AdvertInput, ChannelMessageInput, ObservationInput } from "./api.ts";

export const LIMITS = {
  hash: 64,
  radioId: 64,
  raw: 1024,
  hops: 64,
  hop: 16,
  summary: 256,
  error: 128,
  decodedJson: 4096,
  channel: 64,
  sender: 64,
  text: 1024,
  name: 64,
  publicKey: 64,
  extrasJson: 2048,
} as const;

export type Counter = (name: string, n?: number) => void;

function cut(s: unknown, max: number, count: Counter): string {
  const str = typeof s === "string" ? s : String(s ?? "");
  if (str.length <= max) return str;
  count("truncated_fields");
  return str.slice(0, max);
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Integers are clamped to +-2^52 so the journal's zigzag varints can carry them. */
function int(v: unknown, dflt: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return dflt;
  return Math.max(-(2 ** 52) + 1, Math.min(2 ** 52 - 1, Math.trunc(v)));
}

function jsonWithin(v: unknown, max: number, count: Counter): string | null {
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return null;
    if (s.length > max) {
      count("dropped_json");
      return null;
    }
    return s;
  } catch {
    count("dropped_json");
    return null;
  }
}

function channelMessage(c: ChannelMessageInput, count: Counter): ChannelMessageInput {
  return {
    channel: cut(c.channel, LIMITS.channel, count),
    sender: cut(c.sender, LIMITS.sender, count),
    text: cut(c.text, LIMITS.text, count),
    senderTimestamp: int(c.senderTimestamp, 0),
  };
}

function advert(a: AdvertInput, count: Counter): AdvertInput {
  const extras = a.extras ? jsonWithin(a.extras, LIMITS.extrasJson, count) : null;
  return {
    publicKey: cut(a.publicKey, LIMITS.publicKey, count).toUpperCase(),
    name: a.name === null || a.name === undefined ? null : cut(a.name, LIMITS.name, count),
    role: int(a.role, 0),
    lat: num(a.lat),
    lon: num(a.lon),
    advertTimestamp: int(a.advertTimestamp, 0),
    ...(extras ? { extras: JSON.parse(extras) as Record<string, unknown> } : {}),
  };
}

export function normalizeObservation(o: ObservationInput, count: Counter): ObservationInput {
  let raw = o.raw instanceof Uint8Array ? o.raw : new Uint8Array(0);
  if (raw.length > LIMITS.raw) {
    count("truncated_fields");
    raw = raw.subarray(0, LIMITS.raw);
  }
  const hopsIn = Array.isArray(o.hops) ? o.hops : [];
  if (hopsIn.length > LIMITS.hops) count("truncated_fields");
  const hops = hopsIn.slice(0, LIMITS.hops).map((h) => cut(h, LIMITS.hop, count).toLowerCase());
  const decoded = o.decoded === undefined ? null : jsonWithin(o.decoded, LIMITS.decodedJson, count);
  return {
    hash: cut(o.hash, LIMITS.hash, count).toLowerCase(),
    raw,
    radioId: cut(o.radioId, LIMITS.radioId, count),
    at: Math.max(0, int(o.at, Date.now())),
    snr: num(o.snr),
    rssi: num(o.rssi),
    payloadType: int(o.payloadType, -1),
    route: int(o.route, -1),
    version: int(o.version, -1),
    hashSize: int(o.hashSize, -1),
    hops,
    error: o.error === null || o.error === undefined ? null : cut(o.error, LIMITS.error, count),
    summary: cut(o.summary, LIMITS.summary, count),
    ...(decoded !== null ? { decoded: JSON.parse(decoded) as unknown } : {}),
    ...(o.channelMessage ? { channelMessage: channelMessage(o.channelMessage, count) } : {}),
    ...(o.advert ? { advert: advert(o.advert, count) } : {}),
  };
}
