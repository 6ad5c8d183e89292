/**
 * The JSON view of a decode (CLI --json, HTTP API) and a bounded one-line
 * summary. Strings from the air are hostile: names and texts are clipped and
 * control characters replaced before they reach a log line or a UI.
 */

import { toHex as hex, hexByte } from "../core/bytes.ts";
import { PAYLOAD_TRACE, payloadTypeName, routeName } from "./constants.ts";
import { advertRoleName } from "./roles.ts";
import { replaceUnsafe } from "./text.ts";
import type { DecodedPacket, DecodeResult, GroupData, GroupText, Payload } from "./types.ts";

export const MAX_SUMMARY = 160;

/** Replace control and bidi characters and clip to `max` code points (adds an ellipsis). */
export function clean(s: string, max: number): string {
  const safe = replaceUnsafe(s, " ");
  const cps = Array.from(safe);
  return cps.length > max ? `${cps.slice(0, max - 1).join("")}…` : safe;
}

function chunks(b: Uint8Array, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= b.length; i += size) out.push(hex(b.subarray(i, i + size)));
  return out;
}

export function hops(p: Pick<DecodedPacket, "path" | "hashSize">): string[] {
  return chunks(p.path, p.hashSize);
}

/**
 * The node-hash hops of a packet for routing and the neighbour graph: empty
 * for TRACE, whose path bytes are per-hop SNRs (see TracePayload.snrs).
 */
export function routeHops(p: Pick<DecodedPacket, "path" | "hashSize" | "payloadType">): string[] {
  return p.payloadType === PAYLOAD_TRACE ? [] : chunks(p.path, p.hashSize);
}

type Json = Record<string, unknown>;

/**
 * An ack checksum as its four wire bytes in hex (how the protocol reference
 * and companion apps write it), not as the u32's big-endian digits.
 */
export function ackHex(ack: number): string {
  return hexByte(ack) + hexByte(ack >>> 8) + hexByte(ack >>> 16) + hexByte(ack >>> 24);
}

/** What a channel key opened: a text message, or a datagram with its data in hex. */
function groupJson(d: GroupText | GroupData): Json {
  if ("text" in d) {
    return {
      channel: d.channel,
      sender: d.sender,
      text: d.text,
      timestamp: d.timestamp,
      textType: d.textType,
    };
  }
  return { channel: d.channel, dataType: d.dataType, data: hex(d.data), truncated: d.truncated };
}

function bodyJson(b: Payload): Json {
  switch (b.kind) {
    case "ADVERT":
      return {
        publicKey: hex(b.publicKey),
        timestamp: b.timestamp,
        role: b.roleName,
        flags: b.flags,
        lat: b.lat,
        lon: b.lon,
        feature1: b.feature1,
        feature2: b.feature2,
        name: b.name,
        signatureValid: b.signatureValid,
        appDataValid: b.appDataValid,
      };
    case "REQ":
    case "RESPONSE":
    case "TXT_MSG":
    case "PATH":
      return {
        destHash: hexByte(b.destHash),
        srcHash: hexByte(b.srcHash),
        mac: hex(b.mac),
        ciphertextLength: b.ciphertext.length,
      };
    case "ACK":
      return { ack: ackHex(b.ack), extra: hex(b.extra) };
    case "ANON_REQ":
      return {
        destHash: hexByte(b.destHash),
        senderPublicKey: hex(b.senderPublicKey),
        mac: hex(b.mac),
        ciphertextLength: b.ciphertext.length,
      };
    case "GRP_TXT":
    case "GRP_DATA":
      return {
        channelHash: hexByte(b.channelHash),
        mac: hex(b.mac),
        decrypted: b.decrypted && groupJson(b.decrypted),
      };
    case "TRACE":
      return {
        tag: b.tag,
        authCode: b.authCode,
        flags: b.flags,
        snrs: b.snrs,
        routeHashes: chunks(b.routeHashes, b.routeHashSize),
      };
    case "MULTIPART":
      return {
        remaining: b.remaining,
        innerType: payloadTypeName(b.innerType),
        ack: b.ack === null ? null : ackHex(b.ack),
        inner: hex(b.inner),
      };
    case "CONTROL": {
      const c = b.control;
      if (c === null) return { subType: b.subType, data: hex(b.data) };
      if (c.type === "DISCOVER_REQ") {
        return { subType: b.subType, ...c };
      }
      return {
        subType: b.subType,
        type: c.type,
        nodeType: advertRoleName(c.nodeType),
        snr: c.snr,
        tag: c.tag,
        publicKey: hex(c.publicKey),
      };
    }
    default:
      return { data: hex(b.data) };
  }
}

export function toJson(result: DecodeResult): Json {
  const p: Partial<DecodedPacket> = result.ok ? result.packet : result.partial;
  const out: Json = {};
  if (p.hash !== undefined) out.hash = p.hash;
  if (p.route !== undefined) out.route = routeName(p.route);
  if (p.payloadType !== undefined) out.payloadType = payloadTypeName(p.payloadType);
  if (p.version !== undefined) out.version = p.version;
  if (p.transportCodes) out.transportCodes = [...p.transportCodes];
  if (p.region) out.region = p.region;
  if (p.path !== undefined && p.hashSize !== undefined) {
    // TRACE path bytes are SNRs (reported as snrs), never node hashes
    const hs = p.payloadType === PAYLOAD_TRACE ? [] : hops({ path: p.path, hashSize: p.hashSize });
    out.path = { hashSize: p.hashSize, hops: hs };
  }
  if (result.ok) Object.assign(out, bodyJson(result.packet.body));
  else
    out.error = {
      code: result.error.code,
      message: result.error.message,
      offset: result.error.offset,
    };
  return out;
}

function bodySummary(b: Payload, hopCount: number): string {
  switch (b.kind) {
    case "ADVERT": {
      const who = b.name !== null ? `"${clean(b.name, 40)}"` : hex(b.publicKey.subarray(0, 4));
      const sig = b.signatureValid === false ? " (bad signature)" : "";
      return `advert ${who} ${b.roleName}${sig}`;
    }
    case "GRP_TXT":
    case "GRP_DATA": {
      const d = b.decrypted;
      if (d === null)
        return `${b.kind === "GRP_TXT" ? "channel" : "channel data"} ${hexByte(b.channelHash)} (encrypted)`;
      if ("text" in d) {
        const who = d.sender !== null ? `${clean(d.sender, 32)}: ` : "";
        return `${d.channel} ${who}${clean(d.text, 120)}`;
      }
      return `${d.channel} data type ${d.dataType} (${d.data.length} B)`;
    }
    case "REQ":
    case "RESPONSE":
    case "TXT_MSG":
    case "PATH":
      return `${b.kind.toLowerCase()} ${hexByte(b.srcHash)} -> ${hexByte(b.destHash)}`;
    case "ANON_REQ":
      return `anon req ${hex(b.senderPublicKey.subarray(0, 4))} -> ${hexByte(b.destHash)}`;
    case "ACK":
      return `ack ${ackHex(b.ack)}`;
    case "TRACE":
      return `trace ${b.tag.toString(16)} snr [${b.snrs.join(", ")}]`;
    case "MULTIPART":
      return `multipart ${payloadTypeName(b.innerType).toLowerCase()} (${b.remaining} more)`;
    case "CONTROL": {
      const c = b.control;
      if (c?.type === "DISCOVER_REQ") return `discover request tag ${c.tag.toString(16)}`;
      if (c?.type === "DISCOVER_RESP") {
        return `discover response ${advertRoleName(c.nodeType)} ${hex(c.publicKey.subarray(0, 4))} snr ${c.snr}`;
      }
      return `control 0x${hexByte(b.subType)}`;
    }
    case "RAW_CUSTOM":
      return `raw custom (${b.data.length} B, ${hopCount} hops)`;
    case "RESERVED":
      return `reserved type (${b.data.length} B)`;
    case "UNSUPPORTED_VERSION":
      return `unsupported version (${b.data.length} B)`;
  }
}

/** One line for logs and lists, at most MAX_SUMMARY characters. */
export function summarize(result: DecodeResult): string {
  const s = result.ok
    ? bodySummary(result.packet.body, result.packet.hopCount)
    : `undecodable: ${result.error.code} ${result.error.message}`;
  return clean(s, MAX_SUMMARY);
}
