/**
 * Packet identity as the firmware computes it (src/Packet.cpp
 * calculatePacketHash): SHA-256 over the payload-type value, for TRACE also
 * path_len as u16 LE, then the payload; first 8 bytes. Route bits, transport
 * codes and the path are left out so every relayed copy hashes the same.
 */
import { createHash } from "node:crypto";
import { hasTransportCodes, MAX_PATH, PAYLOAD_TRACE, PAYLOAD_VERSION_1 } from "./constants.ts";

export function packetHashOf(
  payloadType: number,
  pathLenByte: number,
  payload: Uint8Array,
): string {
  const h = createHash("sha256");
  const pre = payloadType === PAYLOAD_TRACE ? 3 : 1;
  const head = Buffer.allocUnsafe(pre);
  head[0] = payloadType & 0x0f;
  if (pre === 3) {
    head[1] = pathLenByte & 0xff;
    head[2] = 0;
  }
  h.update(head);
  h.update(payload);
  return h.digest("hex").slice(0, 16);
}

/** Where the payload starts and how the path is laid out, or null when malformed. */
export interface FrameLayout {
  readonly route: number;
  readonly payloadType: number;
  readonly version: number;
  readonly pathLenOffset: number;
  readonly pathLenByte: number;
  readonly hashSize: number;
  readonly hopCount: number;
  readonly pathOffset: number;
  readonly payloadOffset: number;
}

/** Cheap structural parse of header + path (no allocation beyond the result). */
export function frameLayout(raw: Uint8Array): FrameLayout | null {
  if (raw.length < 2) return null;
  const header = raw[0] ?? 0;
  const route = header & 0x03;
  const pathLenOffset = hasTransportCodes(route) ? 5 : 1;
  if (raw.length <= pathLenOffset) return null;
  const pathLenByte = raw[pathLenOffset] ?? 0;
  const sizeCode = pathLenByte >> 6;
  if (sizeCode === 3) return null;
  const hashSize = sizeCode + 1;
  const hopCount = pathLenByte & 0x3f;
  const pathBytes = hashSize * hopCount;
  if (pathBytes > MAX_PATH) return null;
  const pathOffset = pathLenOffset + 1;
  const payloadOffset = pathOffset + pathBytes;
  if (payloadOffset > raw.length) return null;
  return {
    route,
    payloadType: (header >> 2) & 0x0f,
    version: header >> 6,
    pathLenOffset,
    pathLenByte,
    hashSize,
    hopCount,
    pathOffset,
    payloadOffset,
  };
}

/** 16 lower-hex chars, or null when the header/path cannot be parsed. */
export function packetHash(raw: Uint8Array): string | null {
  const header = raw[0];
  if (header !== undefined && header >> 6 !== PAYLOAD_VERSION_1) {
    // The firmware drops other versions unparsed; their layout is unknown, so
    // meshgate identifies them by the type bits and every byte after the header.
    return packetHashOf((header >> 2) & 0x0f, 0, raw.subarray(1));
  }
  const f = frameLayout(raw);
  if (f === null) return null;
  return packetHashOf(f.payloadType, f.pathLenByte, raw.subarray(f.payloadOffset));
}
