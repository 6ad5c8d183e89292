/**
 * Adapters from what the store holds (PacketRow) and what ingest hands it
 * (ObservationInput) to the model's own input, MeshObservation.
 *
 * An advert only feeds the node table when it is trustworthy: either ingest
 * verified it (ObservationInput.advert), or its key is in the store's node
 * table (the store only upserts verified adverts), or the caller asks for the
 * signature to be checked here.
 */

import { toHex } from "../core/bytes.ts";
import { PAYLOAD_ADVERT, PAYLOAD_GRP_TXT } from "../protocol/constants.ts";
import { decodePacket } from "../protocol/decode.ts";
import type { ObservationInput, PacketRow } from "../store/api.ts";
import type { ObservationColumns } from "../store/observation-columns.ts";
import type { MeshAdvert, MeshObservation } from "./types.ts";

export interface RowAdapterOptions {
  /** The upper-hex node key of a radio, when known. */
  readonly radioKey?: (radioId: string) => string | null;
  /** True when this advert key is known to be genuine (e.g. in the store's node table). */
  readonly trustedKey?: (publicKey: string) => boolean;
  /** Check Ed25519 signatures of adverts whose key is not trusted (slow: ~0.1 ms each). */
  readonly verifyAdverts?: boolean;
  /**
   * The node table's entry for an advert key (role, position, name as last
   * verified). When given and it knows the key, the advert is taken from it
   * without decoding the packet: a rebuild's fast path.
   */
  readonly knownAdvert?: (publicKey: string) => Omit<MeshAdvert, "timestamp"> | undefined;
}

/** Offset of the payload, or -1 when the packet is too short (protocol doc section 2). */
export function payloadOffset(raw: Uint8Array): number {
  if (raw.length < 2) return -1;
  const route = (raw[0] ?? 0) & 3;
  let o = route === 0 || route === 3 ? 5 : 1;
  const pl = raw[o];
  if (pl === undefined) return -1;
  o += 1 + ((pl >> 6) + 1) * (pl & 0x3f);
  return o < raw.length ? o : -1;
}

/** Channel label of a GRP_TXT when not decrypted: its 1-byte channel hash. */
export function channelHashLabel(raw: Uint8Array): string | undefined {
  const o = payloadOffset(raw);
  const h = o >= 0 ? raw[o] : undefined;
  return h === undefined ? undefined : `hash:${h.toString(16).padStart(2, "0")}`;
}

/** The advertiser's key (upper hex) and timestamp read straight from the payload, no decode. */
export function advertHead(raw: Uint8Array): { publicKey: string; timestamp: number } | undefined {
  const o = payloadOffset(raw);
  if (o < 0 || raw.length < o + 36) return undefined;
  const publicKey = toHex(raw.subarray(o, o + 32), true);
  const timestamp =
    (raw[o + 32]! | (raw[o + 33]! << 8) | (raw[o + 34]! << 16) | (raw[o + 35]! << 24)) >>> 0;
  return { publicKey, timestamp };
}

function knownAdvertOf(raw: Uint8Array, opts: RowAdapterOptions): MeshAdvert | undefined {
  if (!opts.knownAdvert) return undefined;
  const head = advertHead(raw);
  const known = head && opts.knownAdvert(head.publicKey);
  return known && head ? { ...known, timestamp: head.timestamp } : undefined;
}

export function advertFromRaw(raw: Uint8Array, opts: RowAdapterOptions): MeshAdvert | undefined {
  const r = decodePacket(raw, { channels: [], verifySignatures: opts.verifyAdverts ?? false });
  if (!r.ok || r.packet.body.kind !== "ADVERT") return undefined;
  const a = r.packet.body;
  if (!a.appDataValid) return undefined;
  const publicKey = toHex(a.publicKey, true);
  const trusted = a.signatureValid === true || (opts.trustedKey?.(publicKey) ?? false);
  if (!trusted) return undefined;
  return { publicKey, role: a.role, lat: a.lat, lon: a.lon, name: a.name, timestamp: a.timestamp };
}

/** Payload types whose packet bytes a rebuild reads (the advert's key, the channel hash). */
export const RAW_TYPES: readonly number[] = [PAYLOAD_ADVERT, PAYLOAD_GRP_TXT];

/** Row `i` of a columnar page (packet bytes only for RAW_TYPES) as an observation. */
export function observationFromColumns(
  c: ObservationColumns,
  i: number,
  opts: RowAdapterOptions = {},
): MeshObservation {
  const path = c.path[i]!;
  const snr = c.snr[i]!;
  const rssi = c.rssi[i]!;
  const radioId = c.radioId[i]!;
  const payloadType = c.payloadType[i]!;
  // A view of the bytes only where they are read: one per row was garbage.
  const raw = RAW_TYPES.includes(payloadType)
    ? c.raw.subarray(c.rawAt[i]!, c.rawAt[i + 1]!)
    : NO_BYTES;
  return withPayload(
    {
      id: c.id[i]!,
      hash: c.hash[i]!,
      at: c.at[i]!,
      radioId,
      radioKey: opts.radioKey?.(radioId) ?? null,
      payloadType,
      route: c.route[i]!,
      hashSize: c.hashSize[i]!,
      hops: path === "" ? NO_HOPS : path.split(","),
      snr: Number.isNaN(snr) ? null : snr,
      rssi: Number.isNaN(rssi) ? null : rssi,
      rawLength: c.rawLength[i]!,
      firstSeen: c.firstSeen[i] === 1,
    },
    raw,
    opts,
  );
}

/** `rawLength`: the packet's length when `row.raw` holds only part of it (a columnar page). */
export function observationFromRow(
  row: PacketRow,
  opts: RowAdapterOptions = {},
  rawLength = row.raw.length,
): MeshObservation {
  return withPayload(
    {
      id: row.id,
      hash: row.hash,
      at: row.at,
      radioId: row.radioId,
      radioKey: opts.radioKey?.(row.radioId) ?? null,
      payloadType: row.payloadType,
      route: row.route,
      hashSize: row.hashSize,
      hops: row.hops,
      snr: row.snr,
      rssi: row.rssi,
      rawLength,
      firstSeen: row.firstSeen,
    },
    row.raw,
    opts,
  );
}

const NO_BYTES = new Uint8Array(0);
const NO_HOPS: readonly string[] = [];

/** `o` with what its packet bytes add: an advert's fields, a GRP_TXT's channel label. */
function withPayload(
  o: { -readonly [K in keyof MeshObservation]: MeshObservation[K] },
  bytes: Uint8Array,
  opts: RowAdapterOptions,
): MeshObservation {
  if (o.payloadType === PAYLOAD_ADVERT) {
    const advert = knownAdvertOf(bytes, opts) ?? advertFromRaw(bytes, opts);
    if (advert) o.advert = advert;
  } else if (o.payloadType === PAYLOAD_GRP_TXT) {
    const channel = channelHashLabel(bytes);
    if (channel) o.channel = channel;
  }
  return o;
}

/** The live path: what ingest stored, plus the id and first-seen flag the store returned. */
export function observationFromInput(
  input: ObservationInput,
  stored: { readonly id: number; readonly firstSeen: boolean },
  radioKey: string | null,
): MeshObservation {
  const a = input.advert;
  const channel =
    input.channelMessage?.channel ??
    (input.payloadType === PAYLOAD_GRP_TXT ? channelHashLabel(input.raw) : undefined);
  return {
    id: stored.id,
    hash: input.hash,
    at: input.at,
    radioId: input.radioId,
    radioKey,
    payloadType: input.payloadType,
    route: input.route,
    hashSize: input.hashSize,
    hops: input.hops,
    snr: input.snr,
    rssi: input.rssi,
    rawLength: input.raw.length,
    firstSeen: stored.firstSeen,
    ...(a
      ? {
          advert: {
            publicKey: a.publicKey,
            role: a.role,
            lat: a.lat,
            lon: a.lon,
            name: a.name,
            timestamp: a.advertTimestamp,
          },
        }
      : {}),
    ...(channel ? { channel } : {}),
  };
}
