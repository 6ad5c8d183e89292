/**
 * Packet and payload builders: the inverse of decode.ts. Used by the
 * simulator and by tests (decode(encode(x)) == x). Invalid specs are caller
 * bugs and throw PacketEncodeError. Layouts: src/Packet.cpp writeTo,
 * src/Mesh.cpp (createAdvert, createGroupDatagram, createAck, createTrace,
 * createControlData), src/helpers/AdvertDataHelpers.cpp.
 */
import { createHmac } from "node:crypto";
import { concatBytes, u32leBytes } from "../core/bytes.ts";
import {
  ADV_FEAT1,
  ADV_FEAT2,
  ADV_LATLON,
  ADV_NAME,
  CTL_DISCOVER_REQ,
  CTL_DISCOVER_RESP,
  hasTransportCodes,
  MAX_ADVERT_DATA,
  MAX_PACKET,
  MAX_PATH,
  MAX_PAYLOAD,
} from "./constants.ts";
import { channelHash, encryptChannel, hashtagKey, type Identity, sign } from "./crypto.ts";
import { PacketEncodeError } from "./errors.ts";

export interface PacketSpec {
  route: number;
  payloadType: number;
  version?: number;
  transportCodes?: [number, number];
  hashSize: 1 | 2 | 3;
  hops: Uint8Array[];
  payload: Uint8Array;
}

function u16(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff);
}

function i32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v | 0, true);
  return b;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new PacketEncodeError(`${name} must be an integer in ${min}..${max}, got ${v}`);
  }
}

/** An unsigned little-endian field `size` bytes wide; a value that does not fit throws. */
function uint(name: string, v: number, size: 1 | 2 | 4): Uint8Array {
  checkInt(name, v, 0, 2 ** (8 * size) - 1);
  if (size === 4) return u32leBytes(v);
  return size === 2 ? u16(v) : Uint8Array.of(v);
}

/** A field of exactly `size` bytes (keys, MACs); any other length throws. */
function sized(name: string, b: Uint8Array, size: number): Uint8Array {
  if (b.length !== size) throw new PacketEncodeError(`${name} must be ${size} bytes`);
  return b;
}

export function encodePacket(spec: PacketSpec): Uint8Array {
  const version = spec.version ?? 0;
  checkInt("route", spec.route, 0, 3);
  checkInt("payloadType", spec.payloadType, 0, 15);
  checkInt("version", version, 0, 3);
  if (spec.hashSize !== 1 && spec.hashSize !== 2 && spec.hashSize !== 3) {
    throw new PacketEncodeError(`hashSize must be 1, 2 or 3, got ${spec.hashSize}`);
  }
  if (spec.hops.length > 63) throw new PacketEncodeError(`too many hops: ${spec.hops.length}`);
  for (const hop of spec.hops) {
    if (hop.length !== spec.hashSize) {
      throw new PacketEncodeError(`hop of ${hop.length} bytes, hashSize is ${spec.hashSize}`);
    }
  }
  const pathBytes = spec.hops.length * spec.hashSize;
  if (pathBytes > MAX_PATH) throw new PacketEncodeError(`path of ${pathBytes} bytes > ${MAX_PATH}`);
  if (spec.payload.length > MAX_PAYLOAD) {
    throw new PacketEncodeError(`payload of ${spec.payload.length} bytes > ${MAX_PAYLOAD}`);
  }
  const withCodes = hasTransportCodes(spec.route);
  if (withCodes !== (spec.transportCodes !== undefined)) {
    throw new PacketEncodeError(
      withCodes ? "transport routes need transportCodes" : "transportCodes need a transport route",
    );
  }
  const total = 1 + (withCodes ? 4 : 0) + 1 + pathBytes + spec.payload.length;
  if (total > MAX_PACKET) throw new PacketEncodeError(`packet of ${total} bytes > ${MAX_PACKET}`);
  const out = new Uint8Array(total);
  let o = 0;
  out[o++] = (version << 6) | (spec.payloadType << 2) | spec.route;
  if (spec.transportCodes) {
    for (const code of spec.transportCodes) {
      checkInt("transport code", code, 0, 0xffff);
      out[o++] = code & 0xff;
      out[o++] = code >>> 8;
    }
  }
  out[o++] = ((spec.hashSize - 1) << 6) | spec.hops.length;
  for (const hop of spec.hops) {
    out.set(hop, o);
    o += hop.length;
  }
  out.set(spec.payload, o);
  return out;
}

export interface AdvertSpec {
  identity: Identity;
  timestamp: number;
  /** Advert type, low nibble of the flags: 1 chat, 2 repeater, 3 room, 4 sensor. */
  role: number;
  lat?: number;
  lon?: number;
  name?: string;
  feature1?: number;
  feature2?: number;
}

/**
 * The longest start of `name` that fits an advert's app data beside its
 * other fields. Firmware cuts an over-long name the same way (byte by byte up
 * to MAX_ADVERT_DATA, src/helpers/AdvertDataHelpers.cpp); here the cut falls
 * on a character boundary so the name stays valid UTF-8.
 */
export function fitAdvertName(
  name: string,
  spec: Omit<AdvertSpec, "identity" | "timestamp" | "name">,
): string {
  let room = MAX_ADVERT_DATA - buildAdvertAppData(spec).length;
  const utf8 = new TextEncoder();
  let out = "";
  for (const ch of name) {
    room -= utf8.encode(ch).length;
    if (room < 0) break;
    out += ch;
  }
  return out;
}

export function buildAdvertAppData(spec: Omit<AdvertSpec, "identity" | "timestamp">): Uint8Array {
  checkInt("role", spec.role, 0, 15);
  let flags = spec.role;
  const parts: Uint8Array[] = [];
  if (spec.lat !== undefined || spec.lon !== undefined) {
    flags |= ADV_LATLON;
    parts.push(i32(Math.round((spec.lat ?? 0) * 1e6)), i32(Math.round((spec.lon ?? 0) * 1e6)));
  }
  if (spec.feature1 !== undefined) {
    flags |= ADV_FEAT1;
    parts.push(u16(spec.feature1));
  }
  if (spec.feature2 !== undefined) {
    flags |= ADV_FEAT2;
    parts.push(u16(spec.feature2));
  }
  if (spec.name !== undefined) {
    flags |= ADV_NAME;
    parts.push(new TextEncoder().encode(spec.name));
  }
  const appData = concatBytes(Uint8Array.of(flags), ...parts);
  if (appData.length > MAX_ADVERT_DATA) {
    throw new PacketEncodeError(`advert app data of ${appData.length} bytes > ${MAX_ADVERT_DATA}`);
  }
  return appData;
}

/** pubkey 32, timestamp u32, signature 64 (over pubkey + timestamp + app data), app data. */
export function buildAdvertPayload(spec: AdvertSpec): Uint8Array {
  const ts = uint("timestamp", spec.timestamp, 4);
  const appData = buildAdvertAppData(spec);
  const signature = sign(spec.identity, concatBytes(spec.identity.publicKey, ts, appData));
  return concatBytes(spec.identity.publicKey, ts, signature, appData);
}

export interface GroupTextSpec {
  key: Uint8Array;
  timestamp: number;
  sender: string;
  text: string;
  /** Low 2 bits are the text type (0 plain); upper bits the attempt. */
  flags?: number;
}

/** Plaintext u32 timestamp, flags, "sender: text"; channel hash + MAC + AES ciphertext. */
export function buildGroupTextPayload(spec: GroupTextSpec): Uint8Array {
  const plain = concatBytes(
    uint("timestamp", spec.timestamp, 4),
    Uint8Array.of((spec.flags ?? 0) & 0xff),
    new TextEncoder().encode(`${spec.sender}: ${spec.text}`),
  );
  return buildChannelPayload(spec.key, plain);
}

export interface GroupDataSpec {
  key: Uint8Array;
  dataType: number;
  data: Uint8Array;
}

/** Plaintext data type u16, length u8, data (docs/payloads.md GRP_DATA). */
export function buildGroupDataPayload(spec: GroupDataSpec): Uint8Array {
  const plain = concatBytes(
    uint("dataType", spec.dataType, 2),
    uint("data length", spec.data.length, 1),
    spec.data,
  );
  return buildChannelPayload(spec.key, plain);
}

function buildChannelPayload(key: Uint8Array, plain: Uint8Array): Uint8Array {
  const payload = concatBytes(Uint8Array.of(channelHash(key)), encryptChannel(key, plain));
  if (payload.length > MAX_PAYLOAD) {
    throw new PacketEncodeError(`channel payload of ${payload.length} bytes > ${MAX_PAYLOAD}`);
  }
  return payload;
}

/** A datagram sealed for one peer: dest hash, the sender, MAC 2, opaque ciphertext. */
interface SealedSpec {
  destHash: number;
  mac?: Uint8Array;
  ciphertext: Uint8Array;
}

/** REQ / RESPONSE / TXT_MSG / PATH: the sender is its 1-byte hash. */
export interface DirectSpec extends SealedSpec {
  srcHash: number;
}

/** ANON_REQ: the sender is its whole 32-byte public key. */
export interface AnonReqSpec extends SealedSpec {
  senderPublicKey: Uint8Array;
}

function buildSealedPayload(spec: DirectSpec | AnonReqSpec): Uint8Array {
  return concatBytes(
    uint("destHash", spec.destHash, 1),
    "srcHash" in spec
      ? uint("srcHash", spec.srcHash, 1)
      : sized("pubkey", spec.senderPublicKey, 32),
    sized("mac", spec.mac ?? new Uint8Array(2), 2),
    spec.ciphertext,
  );
}

export const buildDirectPayload: (spec: DirectSpec) => Uint8Array = buildSealedPayload;
export const buildAnonReqPayload: (spec: AnonReqSpec) => Uint8Array = buildSealedPayload;

/** u32 ack checksum, plus the v1.16 extra bytes (attempt, random) when given. */
export function buildAckPayload(ack: number, extra?: Uint8Array): Uint8Array {
  const bytes = uint("ack", ack, 4);
  return extra ? concatBytes(bytes, extra) : bytes;
}

export interface TraceSpec {
  tag: number;
  auth: number;
  /** Low 2 bits: route hash size = 1 << (flags & 3). */
  flags: number;
  routeHashes: Uint8Array;
}

/** tag u32, auth u32, flags, route hashes. The packet's path bytes are then SNRs. */
export function buildTracePayload(spec: TraceSpec): Uint8Array {
  return concatBytes(
    uint("tag", spec.tag, 4),
    uint("auth", spec.auth, 4),
    uint("flags", spec.flags, 1),
    spec.routeHashes,
  );
}

export interface DiscoverReqSpec {
  prefixOnly: boolean;
  typeFilter: number;
  tag: number;
  since?: number;
}

/** 0x80 | prefix-only bit, type filter, tag u32, optional since u32. */
export function buildControlDiscoverReq(spec: DiscoverReqSpec): Uint8Array {
  const parts = [
    Uint8Array.of(CTL_DISCOVER_REQ | (spec.prefixOnly ? 1 : 0)),
    uint("typeFilter", spec.typeFilter, 1),
    uint("tag", spec.tag, 4),
  ];
  if (spec.since !== undefined) parts.push(uint("since", spec.since, 4));
  return concatBytes(...parts);
}

export interface DiscoverRespSpec {
  nodeType: number;
  /** dB; sent as int8 of SNR * 4. */
  snr: number;
  tag: number;
  /** 32-byte key, or an 8-byte prefix when the request asked for prefixes. */
  publicKey: Uint8Array;
}

/** 0x90 | node type, int8 SNR*4, tag u32, pubkey (32) or prefix (8). */
export function buildControlDiscoverResp(spec: DiscoverRespSpec): Uint8Array {
  checkInt("nodeType", spec.nodeType, 0, 15);
  const snr4 = Math.max(-128, Math.min(127, Math.round(spec.snr * 4)));
  return concatBytes(
    Uint8Array.of(CTL_DISCOVER_RESP | spec.nodeType, snr4 & 0xff),
    uint("tag", spec.tag, 4),
    spec.publicKey,
  );
}

/** byte 0 = remaining << 4 | inner payload type, then the inner payload. */
export function buildMultipartPayload(
  remaining: number,
  innerType: number,
  inner: Uint8Array,
): Uint8Array {
  checkInt("remaining", remaining, 0, 15);
  checkInt("innerType", innerType, 0, 15);
  return concatBytes(Uint8Array.of((remaining << 4) | innerType), inner);
}

/**
 * transport_codes[0] of a region-scoped flood (src/helpers/TransportKeyStore.cpp
 * calcTransportCode): HMAC-SHA256 keyed by SHA-256("#region")[0..16] over the
 * payload-type byte and payload, first two bytes LE; 0 and 0xFFFF are reserved.
 */
export function regionScopeCode(
  regionName: string,
  payloadType: number,
  payload: Uint8Array,
): number {
  const mac = createHmac("sha256", hashtagKey(regionName))
    .update(Uint8Array.of(payloadType & 0x0f))
    .update(payload)
    .digest();
  const code = (mac[0] ?? 0) | ((mac[1] ?? 0) << 8);
  if (code === 0) return 1;
  if (code === 0xffff) return 0xfffe;
  return code;
}

/** The spec a decoded packet was built from: encodePacket(packetSpecOf(p)) gives the same bytes. */
export function packetSpecOf(p: {
  route: number;
  payloadType: number;
  version: number;
  transportCodes: readonly [number, number] | null;
  hashSize: number;
  path: Uint8Array;
  payload: Uint8Array;
}): PacketSpec {
  const hops: Uint8Array[] = [];
  for (let i = 0; i + p.hashSize <= p.path.length; i += p.hashSize) {
    hops.push(p.path.slice(i, i + p.hashSize));
  }
  const spec: PacketSpec = {
    route: p.route,
    payloadType: p.payloadType,
    version: p.version,
    hashSize: p.hashSize as 1 | 2 | 3,
    hops,
    payload: p.payload.slice(),
  };
  if (p.transportCodes) spec.transportCodes = [p.transportCodes[0], p.transportCodes[1]];
  return spec;
}
