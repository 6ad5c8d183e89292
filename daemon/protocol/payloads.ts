/**
 * Per-type payload decoders. Minimum lengths follow what src/Mesh.cpp
 * onRecvPacket accepts; anything shorter is an E_PAYLOAD_SHORT value with the
 * offset where it ran out. `base` is the payload's offset in the packet.
 */

import { cString, i8, i32le, u16le, u32le } from "../core/bytes.ts";
import type { ChannelIndex } from "./channels.ts";
import {
  ADV_FEAT1,
  ADV_FEAT2,
  ADV_LATLON,
  ADV_NAME,
  ADV_TYPE_MASK,
  CTL_DISCOVER_REQ,
  CTL_DISCOVER_RESP,
  MAX_ADVERT_DATA,
  PAYLOAD_ACK,
  PAYLOAD_GRP_TXT,
  payloadTypeName,
} from "./constants.ts";
import { decryptChannel, verify } from "./crypto.ts";
import { advertRoleName } from "./roles.ts";
import { safeName, safeText } from "./text.ts";
import type {
  AdvertPayload,
  ControlPayload,
  DecodeError,
  GroupData,
  GroupDataPayload,
  GroupText,
  GroupTextPayload,
  MultipartPayload,
  Payload,
  PeerPayload,
  TracePayload,
} from "./types.ts";

export function short(type: number, need: number, have: number, base: number): DecodeError {
  return {
    code: "E_PAYLOAD_SHORT",
    message: `${payloadTypeName(type)} payload needs ${need} bytes, has ${have}`,
    offset: base + have,
  };
}

const ADVERT_FIXED = 32 + 4 + 64;

export function decodeAdvert(
  p: Uint8Array,
  base: number,
  verifySig: boolean,
): AdvertPayload | DecodeError {
  if (p.length < ADVERT_FIXED) return short(4, ADVERT_FIXED, p.length, base);
  const publicKey = p.subarray(0, 32);
  const timestamp = u32le(p, 32);
  const signature = p.subarray(36, ADVERT_FIXED);
  // The firmware reads and signs at most MAX_ADVERT_DATA_SIZE bytes of app data.
  const appEnd = Math.min(p.length, ADVERT_FIXED + MAX_ADVERT_DATA);
  const appData = p.subarray(ADVERT_FIXED, appEnd);
  const flags = appData[0] ?? 0;
  let i = 1;
  let lat: number | null = null;
  let lon: number | null = null;
  let feature1: number | null = null;
  let feature2: number | null = null;
  let name: string | null = null;
  let valid = appData.length >= 1;
  if (flags & ADV_LATLON) {
    if (appData.length >= i + 8) {
      lat = i32le(appData, i) / 1e6;
      lon = i32le(appData, i + 4) / 1e6;
    } else valid = false;
    i += 8;
  }
  if (flags & ADV_FEAT1) {
    if (appData.length >= i + 2) feature1 = u16le(appData, i);
    else valid = false;
    i += 2;
  }
  if (flags & ADV_FEAT2) {
    if (appData.length >= i + 2) feature2 = u16le(appData, i);
    else valid = false;
    i += 2;
  }
  if (valid && flags & ADV_NAME && appData.length > i) {
    const n = safeName(cString(appData.subarray(i)));
    name = n.length > 0 ? n : null;
  }
  let signatureValid: boolean | null = null;
  if (verifySig) {
    // signed message = pubkey + timestamp + app data, which are contiguous except for the signature
    const msg = new Uint8Array(36 + appData.length);
    msg.set(p.subarray(0, 36), 0);
    msg.set(appData, 36);
    signatureValid = verify(publicKey, msg, signature);
  }
  const role = flags & ADV_TYPE_MASK;
  return {
    kind: "ADVERT",
    publicKey,
    timestamp,
    signature,
    appData,
    flags,
    role,
    roleName: advertRoleName(role),
    lat,
    lon,
    feature1,
    feature2,
    name,
    signatureValid,
    appDataValid: valid,
    ignoredBytes: p.length - appEnd,
  };
}

export function decodePeer(
  kind: PeerPayload["kind"],
  type: number,
  p: Uint8Array,
  base: number,
): PeerPayload | DecodeError {
  if (p.length < 5) return short(type, 5, p.length, base);
  return {
    kind,
    destHash: p[0] ?? 0,
    srcHash: p[1] ?? 0,
    mac: p.subarray(2, 4),
    ciphertext: p.subarray(4),
  };
}

export function decodeAnonReq(p: Uint8Array, base: number): Payload | DecodeError {
  if (p.length < 36) return short(7, 36, p.length, base);
  return {
    kind: "ANON_REQ",
    destHash: p[0] ?? 0,
    senderPublicKey: p.subarray(1, 33),
    mac: p.subarray(33, 35),
    ciphertext: p.subarray(35),
  };
}

export function decodeAck(p: Uint8Array, base: number): Payload | DecodeError {
  if (p.length < 4) return short(PAYLOAD_ACK, 4, p.length, base);
  return { kind: "ACK", ack: u32le(p, 0), extra: p.subarray(4) };
}

function groupText(channel: string, plain: Uint8Array): GroupText {
  const body = cString(plain.subarray(5));
  // "sender: text"; a message without the separator has no sender
  const sep = body.indexOf(": ");
  return {
    channel,
    timestamp: u32le(plain, 0),
    textType: plain[4] ?? 0,
    sender: sep >= 0 ? safeName(body.slice(0, sep)) : null,
    text: safeText(sep >= 0 ? body.slice(sep + 2) : body),
  };
}

function groupData(channel: string, plain: Uint8Array): GroupData {
  const declared = plain[2] ?? 0;
  const available = plain.length - 3;
  return {
    channel,
    dataType: u16le(plain, 0),
    data: plain.subarray(3, 3 + Math.min(declared, available)),
    truncated: declared > available,
  };
}

export function decodeGroup(
  type: number,
  p: Uint8Array,
  base: number,
  channels: ChannelIndex,
): GroupTextPayload | GroupDataPayload | DecodeError {
  if (p.length < 4) return short(type, 4, p.length, base);
  const channelHash = p[0] ?? 0;
  const macAndCt = p.subarray(1);
  let txt: GroupText | null = null;
  let dat: GroupData | null = null;
  const candidates = channels.get(channelHash);
  if (candidates) {
    for (const ch of candidates) {
      const plain = decryptChannel(ch.key, macAndCt);
      if (plain === null) continue;
      if (type === PAYLOAD_GRP_TXT) txt = groupText(ch.name, plain);
      else dat = groupData(ch.name, plain);
      break;
    }
  }
  const common = { channelHash, mac: p.subarray(1, 3), ciphertext: p.subarray(3) };
  return type === PAYLOAD_GRP_TXT
    ? { kind: "GRP_TXT", ...common, decrypted: txt }
    : { kind: "GRP_DATA", ...common, decrypted: dat };
}

export function decodeTrace(
  p: Uint8Array,
  base: number,
  path: Uint8Array,
): TracePayload | DecodeError {
  if (p.length < 9) return short(9, 9, p.length, base);
  const flags = p[8] ?? 0;
  const snrs: number[] = new Array(path.length);
  for (let i = 0; i < path.length; i++) snrs[i] = i8(path[i] ?? 0) / 4;
  return {
    kind: "TRACE",
    tag: u32le(p, 0),
    authCode: u32le(p, 4),
    flags,
    routeHashSize: 1 << (flags & 3),
    routeHashes: p.subarray(9),
    snrs,
  };
}

export function decodeMultipart(p: Uint8Array, base: number): MultipartPayload | DecodeError {
  if (p.length < 3) return short(10, 3, p.length, base);
  const b0 = p[0] ?? 0;
  const innerType = b0 & 0x0f;
  const inner = p.subarray(1);
  return {
    kind: "MULTIPART",
    remaining: b0 >> 4,
    innerType,
    inner,
    ack: innerType === PAYLOAD_ACK && inner.length >= 4 ? u32le(inner, 0) : null,
  };
}

export function decodeControl(p: Uint8Array): ControlPayload {
  const b0 = p[0] ?? 0;
  const subType = b0 & 0xf0;
  let control: ControlPayload["control"] = null;
  if (subType === CTL_DISCOVER_REQ && p.length >= 6) {
    control = {
      type: "DISCOVER_REQ",
      prefixOnly: (b0 & 1) === 1,
      typeFilter: p[1] ?? 0,
      tag: u32le(p, 2),
      since: p.length >= 10 ? u32le(p, 6) : null,
    };
  } else if (subType === CTL_DISCOVER_RESP && p.length >= 6) {
    control = {
      type: "DISCOVER_RESP",
      nodeType: b0 & 0x0f,
      snr: i8(p[1] ?? 0) / 4,
      tag: u32le(p, 2),
      publicKey: p.subarray(6),
    };
  }
  return { kind: "CONTROL", subType, control, data: p };
}
