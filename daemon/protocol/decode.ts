/**
 * decodePacket: raw on-air bytes to a typed packet. Never throws: malformed
 * input is a DecodeError value that keeps whatever decoded before the fault.
 * Structure per src/Packet.cpp readFrom (header, transport codes, path_len,
 * path, payload) and src/Mesh.cpp onRecvPacket (payload minimums).
 */
import { createHmac } from "node:crypto";
import { type ChannelIndex, channelIndex } from "./channels.ts";
import {
  hasTransportCodes,
  MAX_PACKET,
  MAX_PATH,
  MAX_PAYLOAD,
  PAYLOAD_ACK,
  PAYLOAD_ADVERT,
  PAYLOAD_ANON_REQ,
  PAYLOAD_CONTROL,
  PAYLOAD_GRP_DATA,
  PAYLOAD_GRP_TXT,
  PAYLOAD_MULTIPART,
  PAYLOAD_PATH,
  PAYLOAD_RAW_CUSTOM,
  PAYLOAD_REQ,
  PAYLOAD_RESPONSE,
  PAYLOAD_TRACE,
  PAYLOAD_TXT_MSG,
  PAYLOAD_VERSION_1,
} from "./constants.ts";
import { hashtagKey } from "./crypto.ts";
import { packetHashOf } from "./hash.ts";
import {
  decodeAck,
  decodeAdvert,
  decodeAnonReq,
  decodeControl,
  decodeGroup,
  decodeMultipart,
  decodePeer,
  decodeTrace,
} from "./payloads.ts";
import type {
  DecodeContext,
  DecodedPacket,
  DecodeError,
  DecodeErrorCode,
  DecodeResult,
  Payload,
} from "./types.ts";

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

function fail(
  code: DecodeErrorCode,
  message: string,
  offset: number,
  partial: Mutable<DecodedPacket>,
): DecodeResult {
  return { ok: false, error: { code, message, offset }, partial };
}

function isError(x: Payload | DecodeError): x is DecodeError {
  return "code" in x;
}

const regionKeys = new WeakMap<readonly string[], { name: string; key: Uint8Array }[]>();

/** The configured region whose scope code matches, or null. Keys cached per list. */
function matchRegion(
  regions: readonly string[],
  code: number,
  payloadType: number,
  payload: Uint8Array,
): string | null {
  let keys = regionKeys.get(regions);
  if (keys === undefined) {
    keys = regions.map((name) => ({ name, key: hashtagKey(name) }));
    regionKeys.set(regions, keys);
  }
  const typeByte = Uint8Array.of(payloadType);
  for (const { name, key } of keys) {
    const mac = createHmac("sha256", key).update(typeByte).update(payload).digest();
    let c = (mac[0] ?? 0) | ((mac[1] ?? 0) << 8);
    if (c === 0) c = 1;
    else if (c === 0xffff) c = 0xfffe;
    if (c === code) return name;
  }
  return null;
}

function decodeBody(
  type: number,
  payload: Uint8Array,
  base: number,
  path: Uint8Array,
  channels: ChannelIndex,
  verifySig: boolean,
): Payload | DecodeError {
  switch (type) {
    case PAYLOAD_REQ:
      return decodePeer("REQ", type, payload, base);
    case PAYLOAD_RESPONSE:
      return decodePeer("RESPONSE", type, payload, base);
    case PAYLOAD_TXT_MSG:
      return decodePeer("TXT_MSG", type, payload, base);
    case PAYLOAD_PATH:
      return decodePeer("PATH", type, payload, base);
    case PAYLOAD_ACK:
      return decodeAck(payload, base);
    case PAYLOAD_ADVERT:
      return decodeAdvert(payload, base, verifySig);
    case PAYLOAD_GRP_TXT:
    case PAYLOAD_GRP_DATA:
      return decodeGroup(type, payload, base, channels);
    case PAYLOAD_ANON_REQ:
      return decodeAnonReq(payload, base);
    case PAYLOAD_TRACE:
      return decodeTrace(payload, base, path);
    case PAYLOAD_MULTIPART:
      return decodeMultipart(payload, base);
    case PAYLOAD_CONTROL:
      return decodeControl(payload);
    case PAYLOAD_RAW_CUSTOM:
      return { kind: "RAW_CUSTOM", data: payload };
    default:
      return { kind: "RESERVED", data: payload };
  }
}

export function decodePacket(raw: Uint8Array, ctx: DecodeContext): DecodeResult {
  const partial: Mutable<DecodedPacket> = { length: raw.length };
  if (raw.length === 0) return fail("E_EMPTY", "empty packet", 0, partial);
  if (raw.length > MAX_PACKET) {
    return fail("E_TOO_LONG", `packet of ${raw.length} bytes > ${MAX_PACKET}`, MAX_PACKET, partial);
  }
  const header = raw[0] ?? 0;
  const route = header & 0x03;
  const payloadType = (header >> 2) & 0x0f;
  const version = header >> 6;
  partial.header = header;
  partial.route = route;
  partial.payloadType = payloadType;
  partial.version = version;
  if (version !== PAYLOAD_VERSION_1) {
    // Dispatcher.cpp checks the version before anything else: the layout after
    // the header is unknown, so keep the rest raw.
    const rest = raw.subarray(1);
    const packet: DecodedPacket = {
      length: raw.length,
      header,
      route,
      payloadType,
      version,
      transportCodes: null,
      region: null,
      pathLenByte: 0,
      hashSize: 1,
      hopCount: 0,
      path: raw.subarray(1, 1),
      payloadOffset: 1,
      payload: rest,
      hash: packetHashOf(payloadType, 0, rest),
      body: { kind: "UNSUPPORTED_VERSION", data: rest },
    };
    return { ok: true, packet };
  }
  let o = 1;
  if (hasTransportCodes(route)) {
    if (raw.length < 5) {
      return fail("E_TRUNCATED_HEADER", "transport codes cut short", raw.length, partial);
    }
    partial.transportCodes = [
      (raw[1] ?? 0) | ((raw[2] ?? 0) << 8),
      (raw[3] ?? 0) | ((raw[4] ?? 0) << 8),
    ];
    o = 5;
  } else {
    partial.transportCodes = null;
  }
  if (o >= raw.length) return fail("E_TRUNCATED_HEADER", "no path_len byte", o, partial);
  const pathLenByte = raw[o] ?? 0;
  partial.pathLenByte = pathLenByte;
  const sizeCode = pathLenByte >> 6;
  if (sizeCode === 3) {
    return fail("E_PATH_RESERVED", "path hash size 0b11 is reserved", o, partial);
  }
  const hashSize = sizeCode + 1;
  const hopCount = pathLenByte & 0x3f;
  partial.hashSize = hashSize;
  partial.hopCount = hopCount;
  const pathBytes = hashSize * hopCount;
  if (pathBytes > MAX_PATH) {
    return fail("E_PATH_TOO_LONG", `path of ${pathBytes} bytes > ${MAX_PATH}`, o, partial);
  }
  o += 1;
  if (o + pathBytes > raw.length) {
    return fail("E_PATH_TRUNCATED", `path needs ${pathBytes} bytes`, raw.length, partial);
  }
  const path = raw.subarray(o, o + pathBytes);
  partial.path = path;
  o += pathBytes;
  const payloadOffset = o;
  const payload = raw.subarray(o);
  partial.payloadOffset = payloadOffset;
  partial.payload = payload;
  if (payload.length === 0) return fail("E_NO_PAYLOAD", "no payload", o, partial);
  partial.hash = packetHashOf(payloadType, pathLenByte, payload);
  if (payload.length > MAX_PAYLOAD) {
    return fail(
      "E_PAYLOAD_TOO_LONG",
      `payload of ${payload.length} bytes > ${MAX_PAYLOAD}`,
      o,
      partial,
    );
  }
  const codes = partial.transportCodes;
  partial.region =
    codes && ctx.regions && ctx.regions.length > 0
      ? matchRegion(ctx.regions, codes[0], payloadType, payload)
      : null;
  const body = decodeBody(
    payloadType,
    payload,
    payloadOffset,
    path,
    channelIndex(ctx.channels),
    ctx.verifySignatures ?? true,
  );
  if (isError(body)) return { ok: false, error: body, partial };
  partial.body = body;
  return { ok: true, packet: partial as DecodedPacket };
}
