/**
 * Observation rows as columns, for model rebuilds: a page crosses from the
 * store worker as a dozen arrays instead of one object and one byte array
 * per row, so the main thread deserialises (and later collects) far less.
 * Packet bytes are kept only for the payload types the caller reads them of.
 */
import type { PacketRow } from "./api.ts";

export interface ObservationColumns {
  readonly id: Float64Array;
  readonly at: Float64Array;
  /** NaN where unknown. */
  readonly snr: Float64Array;
  /** NaN where unknown. */
  readonly rssi: Float64Array;
  readonly payloadType: Uint8Array;
  readonly route: Uint8Array;
  readonly hashSize: Uint8Array;
  /** 1 for the first hearing of a transmission. */
  readonly firstSeen: Uint8Array;
  /** The packet's length, whether or not its bytes are here. */
  readonly rawLength: Uint32Array;
  readonly hash: readonly string[];
  readonly radioId: readonly string[];
  /** Path hashes joined by commas ("" for none), as the store keeps them. */
  readonly path: readonly string[];
  /** Row i's bytes are raw[rawAt[i]] up to raw[rawAt[i + 1]]: empty unless its type was asked for. */
  readonly raw: Uint8Array;
  readonly rawAt: Uint32Array;
}

/** Rows to columns, keeping packet bytes only for `rawTypes`. */
export function columnsOf(
  rows: readonly PacketRow[],
  rawTypes: readonly number[],
): ObservationColumns {
  const n = rows.length;
  const keep = (r: PacketRow) => rawTypes.includes(r.payloadType);
  let bytes = 0;
  for (const r of rows) if (keep(r)) bytes += r.raw.length;
  const c = {
    id: new Float64Array(n),
    at: new Float64Array(n),
    snr: new Float64Array(n),
    rssi: new Float64Array(n),
    payloadType: new Uint8Array(n),
    route: new Uint8Array(n),
    hashSize: new Uint8Array(n),
    firstSeen: new Uint8Array(n),
    rawLength: new Uint32Array(n),
    hash: new Array<string>(n),
    radioId: new Array<string>(n),
    path: new Array<string>(n),
    raw: new Uint8Array(bytes),
    rawAt: new Uint32Array(n + 1),
  };
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    c.id[i] = r.id;
    c.at[i] = r.at;
    c.snr[i] = r.snr ?? Number.NaN;
    c.rssi[i] = r.rssi ?? Number.NaN;
    c.payloadType[i] = r.payloadType;
    c.route[i] = r.route;
    c.hashSize[i] = r.hashSize;
    c.firstSeen[i] = r.firstSeen ? 1 : 0;
    c.rawLength[i] = r.raw.length;
    c.hash[i] = r.hash;
    c.radioId[i] = r.radioId;
    c.path[i] = r.hops.join(",");
    c.rawAt[i] = at;
    if (keep(r)) {
      c.raw.set(r.raw, at);
      at += r.raw.length;
    }
  }
  c.rawAt[n] = at;
  return c;
}
