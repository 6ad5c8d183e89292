import { toHex } from "../core/bytes.ts";
import type { DecodedFields, ObservationDecoder } from "../ingest/ingest.ts";
import { sha256 } from "../protocol/crypto.ts";
import { decodePacket } from "../protocol/decode.ts";
import { routeHops, summarize } from "../protocol/json.ts";
import type { DecodeContext, DecodeResult } from "../protocol/types.ts";

/**
 * The ingest decoder: the protocol's full decode reduced to what the store
 * keeps. `context()` is read per packet so channel keys added at run time
 * take effect at once.
 */
export function makeDecoder(context: () => DecodeContext): ObservationDecoder {
  return (raw) => reduce(raw, decodePacket(raw, context()));
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
