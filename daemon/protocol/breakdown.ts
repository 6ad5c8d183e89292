/**
 * Byte ranges of a decoded packet for the UI's colour-coded hex view. Ranges
 * are [start, end) in packet offsets, in order, without gaps: whatever the
 * decoder did not interpret is labelled "rest" (or "undecoded" after an error).
 */
import { hexByte } from "../core/bytes.ts";
import { payloadTypeName, routeName } from "./constants.ts";
import type { DecodedPacket, DecodeResult, Payload } from "./types.ts";

export interface ByteRange {
  readonly start: number;
  readonly end: number;
  /** Stable machine name (colour key). */
  readonly field: string;
  /** Human label. */
  readonly label: string;
}

type Push = (len: number, field: string, label: string) => void;

function payloadRanges(b: Payload, push: Push, payloadLen: number): void {
  switch (b.kind) {
    case "ADVERT":
      push(32, "publicKey", "public key");
      push(4, "timestamp", `timestamp ${b.timestamp}`);
      push(
        64,
        "signature",
        `signature${b.signatureValid === null ? "" : b.signatureValid ? " (valid)" : " (INVALID)"}`,
      );
      push(1, "advertFlags", `flags ${b.roleName}`);
      if (b.flags & 0x10) push(8, "location", `lat ${b.lat} lon ${b.lon}`);
      if (b.flags & 0x20) push(2, "feature1", "feature 1");
      if (b.flags & 0x40) push(2, "feature2", "feature 2");
      if (b.flags & 0x80) {
        const fixed =
          1 + (b.flags & 0x10 ? 8 : 0) + (b.flags & 0x20 ? 2 : 0) + (b.flags & 0x40 ? 2 : 0);
        push(b.appData.length - fixed, "name", "name");
      }
      return;
    case "REQ":
    case "RESPONSE":
    case "TXT_MSG":
    case "PATH":
      push(1, "destHash", `destination ${hexByte(b.destHash)}`);
      push(1, "srcHash", `source ${hexByte(b.srcHash)}`);
      push(2, "mac", "MAC");
      push(payloadLen, "ciphertext", "ciphertext");
      return;
    case "ACK":
      push(4, "ack", "ack checksum");
      push(payloadLen, "ackExtra", "attempt / random");
      return;
    case "ANON_REQ":
      push(1, "destHash", `destination ${hexByte(b.destHash)}`);
      push(32, "senderPublicKey", "sender public key");
      push(2, "mac", "MAC");
      push(payloadLen, "ciphertext", "ciphertext");
      return;
    case "GRP_TXT":
    case "GRP_DATA":
      push(1, "channelHash", `channel hash ${hexByte(b.channelHash)}`);
      push(2, "mac", "MAC");
      push(
        payloadLen,
        "ciphertext",
        b.decrypted ? `ciphertext (${b.decrypted.channel})` : "ciphertext",
      );
      return;
    case "TRACE":
      push(4, "tag", "trace tag");
      push(4, "authCode", "auth code");
      push(1, "traceFlags", `flags (route hash ${b.routeHashSize} B)`);
      push(payloadLen, "routeHashes", "route hashes");
      return;
    case "MULTIPART":
      push(1, "multipartHeader", `${b.remaining} remaining, ${payloadTypeName(b.innerType)}`);
      push(payloadLen, "inner", "inner payload");
      return;
    case "CONTROL":
      push(1, "controlType", `control 0x${hexByte(b.subType)}`);
      if (b.control?.type === "DISCOVER_REQ") {
        push(1, "typeFilter", "type filter");
        push(4, "tag", "tag");
        push(4, "since", "since");
      } else if (b.control?.type === "DISCOVER_RESP") {
        push(1, "snr", `SNR ${b.control.snr} dB`);
        push(4, "tag", "tag");
        push(32, "publicKey", "public key");
      }
      return;
    default:
      push(payloadLen, "data", "data");
  }
}

export function breakdown(raw: Uint8Array, decoded: DecodeResult): ByteRange[] {
  const p: Partial<DecodedPacket> = decoded.ok ? decoded.packet : decoded.partial;
  const out: ByteRange[] = [];
  let o = 0;
  const push: Push = (len, field, label) => {
    const end = Math.min(raw.length, o + len);
    if (end > o) out.push({ start: o, end, field, label });
    o = end;
  };
  if (p.header === undefined) {
    push(raw.length, "undecoded", "undecoded");
    return out;
  }
  push(
    1,
    "header",
    `${routeName(p.route ?? 0)} ${payloadTypeName(p.payloadType ?? 0)} v${p.version}`,
  );
  if (p.version === 0) {
    if (p.transportCodes) {
      push(2, "transportCode0", "region scope code");
      push(2, "transportCode1", "transport code 2");
    }
    if (p.pathLenByte !== undefined) {
      push(
        1,
        "pathLen",
        p.hashSize === undefined
          ? "path_len (reserved hash size)"
          : `path: ${p.hopCount ?? 0} hops of ${p.hashSize} B`,
      );
    }
    if (p.path) {
      const trace = p.payloadType === 9;
      const size = trace ? 1 : (p.hashSize ?? 1);
      for (let i = 0; i < p.path.length; i += size) {
        push(size, trace ? "snr" : "hop", trace ? `SNR hop ${i + 1}` : `hop ${i / size + 1}`);
      }
    }
    if (decoded.ok) payloadRanges(decoded.packet.body, push, raw.length);
  }
  push(raw.length - o, decoded.ok ? "rest" : "undecoded", decoded.ok ? "rest" : "undecoded");
  return out;
}
