import { toHex } from "../core/bytes.ts";
import type { DecodedFields, ObservationDecoder } from "../ingest/ingest.ts";
import { sha256 } from "../protocol/crypto.ts";
import { decodePacket } from "../protocol/decode.ts";
import { routeHops, summarize } from "../protocol/json.ts";
import type { DecodeContext, DecodeResult } from "../protocol/types.ts";

/**
 * What the live decoder saw beyond pass/fail (ingest counts decode errors):
 * shown in /api/health (`ingest`) and /metrics, so a wrong channel key or a
 * neighbour sending bad signatures is visible.
 */
export interface DecodeCounters {
  /** Channel messages (GRP_TXT, GRP_DATA) decrypted with a configured key. */
  decrypted: number;
  /** Adverts whose Ed25519 signature did not verify (not stored as node updates). */
  badSignatures: number;
  /** Packets of a payload version the firmware does not parse. */
  unsupportedVersion: number;
}

export function newDecodeCounters(): DecodeCounters {
  return { decrypted: 0, badSignatures: 0, unsupportedVersion: 0 };
}

function count(r: DecodeResult, c: DecodeCounters): void {
  if (!r.ok) return;
  const b = r.packet.body;
  if ((b.kind === "GRP_TXT" || b.kind === "GRP_DATA") && b.decrypted) c.decrypted++;
  else if (b.kind === "ADVERT" && b.signatureValid === false) c.badSignatures++;
  else if (b.kind === "UNSUPPORTED_VERSION") c.unsupportedVersion++;
}

/**
 * The ingest decoder: the protocol's full decode reduced to what the store
 * keeps, counted into `counters`. `context()` is read per packet so channel
 * keys added at run time take effect at once.
 */
export function makeDecoder(
  context: () => DecodeContext,
  counters: DecodeCounters = newDecodeCounters(),
): ObservationDecoder {
  return (raw) => {
    const r = decodePacket(raw, context());
    count(r, counters);
    return reduce(raw, r);
  };
}

export function reduce(raw: Uint8Array, r: DecodeResult): DecodedFields {
  if (!r.ok) {
    const p = r.partial;
    return {
      // A packet we can't hash like the firmware still gets a stable identity.
      hash: p.hash ?? toHex(sha256(raw).subarray(0, 8)),
      payloadType: p.payloadType ?? -1,
      route: p.route ?? -1,
      version: p.version ?? -1,
      hashSize: p.hashSize ?? 0,
      hops:
        p.path && p.hashSize && p.payloadType !== undefined
          ? routeHops({ path: p.path, hashSize: p.hashSize, payloadType: p.payloadType })
          : [],
      error: r.error.code,
      summary: summarize(r),
    };
  }
  const p = r.packet;
  const b = p.body;
  const base: DecodedFields = {
    hash: p.hash,
    payloadType: p.payloadType,
    route: p.route,
    version: p.version,
    hashSize: p.hashSize,
    hops: routeHops(p),
    error: null,
    summary: summarize(r),
  };
  if (b.kind === "ADVERT" && b.signatureValid === true && b.appDataValid) {
    return {
      ...base,
      advert: {
        publicKey: toHex(b.publicKey, true),
        name: b.name,
        role: b.role,
        lat: b.lat,
        lon: b.lon,
        advertTimestamp: b.timestamp,
        ...(b.feature1 !== null || b.feature2 !== null
          ? { extras: { feature1: b.feature1, feature2: b.feature2 } }
          : {}),
      },
    };
  }
  if (b.kind === "GRP_TXT" && b.decrypted) {
    return {
      ...base,
      channelMessage: {
        channel: b.decrypted.channel,
        sender: b.decrypted.sender ?? "",
        text: b.decrypted.text,
        senderTimestamp: b.decrypted.timestamp,
      },
    };
  }
  return base;
}
