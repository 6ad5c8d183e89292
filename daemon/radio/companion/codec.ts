/**
 * Companion protocol commands and replies as plain data. Pure functions.
 * Codes and layouts: examples/companion_radio/MyMesh.cpp and
 * docs/stats_binary_frames.md (MeshCore v1.17).
 */

import { ByteReader, concatBytes, toHex, u32leBytes } from "../../core/bytes.ts";
import type { RadioParams, RadioStats } from "../../core/types.ts";
import { cleanText } from "../bytes.ts";

export const CMD = {
  APP_START: 1,
  SEND_CHANNEL_TXT_MSG: 3,
  GET_DEVICE_TIME: 5,
  SET_DEVICE_TIME: 6,
  SEND_SELF_ADVERT: 7,
  SET_ADVERT_NAME: 8,
  SYNC_NEXT_MESSAGE: 10,
  SET_RADIO_PARAMS: 11,
  SET_RADIO_TX_POWER: 12,
  SET_ADVERT_LATLON: 14,
  DEVICE_QUERY: 22,
  EXPORT_PRIVATE_KEY: 23,
  GET_CHANNEL: 31,
  SIGN_START: 33,
  SIGN_DATA: 34,
  SIGN_FINISH: 35,
  GET_STATS: 56,
} as const;

export const RESP = {
  OK: 0,
  ERR: 1,
  SELF_INFO: 5,
  CONTACT_MSG_RECV: 7,
  CHANNEL_MSG_RECV: 8,
  CURR_TIME: 9,
  NO_MORE_MESSAGES: 10,
  DEVICE_INFO: 13,
  PRIVATE_KEY: 14,
  DISABLED: 15,
  CONTACT_MSG_RECV_V3: 16,
  CHANNEL_MSG_RECV_V3: 17,
  CHANNEL_INFO: 18,
  SIGN_START: 19,
  SIGNATURE: 20,
  STATS: 24,
} as const;

export const PUSH = { MSG_WAITING: 0x83, LOG_RX_DATA: 0x88 } as const;

/** The app protocol version we speak: >= 3 gets V3 message frames. */
export const APP_PROTOCOL_VERSION = 3;
export const STATS_CORE = 0;
export const STATS_RADIO = 1;
export const STATS_PACKETS = 2;

export const ERR_NAMES: Record<number, string> = {
  1: "unsupported command",
  2: "not found",
  3: "table full",
  4: "bad state",
  5: "file I/O error",
  6: "illegal argument",
};

export const cmdDeviceQuery = (): Uint8Array =>
  new Uint8Array([CMD.DEVICE_QUERY, APP_PROTOCOL_VERSION]);

export function cmdAppStart(appName: string): Uint8Array {
  // Byte 0 is the command, 1..7 are reserved, then the app name (>= 8 bytes total).
  const name = new TextEncoder().encode(appName.slice(0, 32));
  const out = new Uint8Array(8 + name.length);
  out[0] = CMD.APP_START;
  out.set(name, 8);
  return out;
}

export const cmdGetTime = (): Uint8Array => new Uint8Array([CMD.GET_DEVICE_TIME]);
export const cmdSetTime = (epochSec: number): Uint8Array =>
  concatBytes(new Uint8Array([CMD.SET_DEVICE_TIME]), u32leBytes(epochSec));
export const cmdSelfAdvert = (flood: boolean): Uint8Array =>
  new Uint8Array([CMD.SEND_SELF_ADVERT, flood ? 1 : 0]);
export const cmdSyncNext = (): Uint8Array => new Uint8Array([CMD.SYNC_NEXT_MESSAGE]);
export const cmdGetStats = (sub: number): Uint8Array => new Uint8Array([CMD.GET_STATS, sub]);
export const cmdGetChannel = (idx: number): Uint8Array => new Uint8Array([CMD.GET_CHANNEL, idx]);
export const cmdExportKey = (): Uint8Array => new Uint8Array([CMD.EXPORT_PRIVATE_KEY]);

export function cmdSetRadioParams(p: RadioParams): Uint8Array {
  return concatBytes(
    new Uint8Array([CMD.SET_RADIO_PARAMS]),
    u32leBytes(Math.round(p.freqMHz * 1000)), // kHz
    u32leBytes(Math.round(p.bwKHz * 1000)), // Hz
    new Uint8Array([p.sf, p.cr]),
  );
}

/** The firmware keeps the name in `char node_name[32]` (NodePrefs.h): 31 bytes and a NUL. */
export const MAX_NODE_NAME_BYTES = 31;

/** `08 name`: the name the radio puts in its own adverts, cut to whole UTF-8 characters. */
export function cmdSetAdvertName(name: string): Uint8Array {
  const enc = new TextEncoder();
  let out: Uint8Array = new Uint8Array();
  for (const ch of name) {
    const next = concatBytes(out, enc.encode(ch));
    if (next.length > MAX_NODE_NAME_BYTES) break;
    out = next;
  }
  return concatBytes(new Uint8Array([CMD.SET_ADVERT_NAME]), out);
}

/** `0E lat lon`: int32 little-endian millionths of a degree; 0,0 means "no position". */
export function cmdSetAdvertLatLon(lat: number | null, lon: number | null): Uint8Array {
  const micro = (v: number | null) => u32leBytes(v === null ? 0 : Math.round(v * 1e6));
  return concatBytes(new Uint8Array([CMD.SET_ADVERT_LATLON]), micro(lat), micro(lon));
}

export const cmdSetTxPower = (dbm: number): Uint8Array =>
  new Uint8Array([CMD.SET_RADIO_TX_POWER, dbm & 0xff]);

/** `03 00 channel_idx u32_timestamp text`; the firmware prefixes "name: ". */
export function cmdChannelText(idx: number, epochSec: number, text: Uint8Array): Uint8Array {
  return concatBytes(
    new Uint8Array([CMD.SEND_CHANNEL_TXT_MSG, 0, idx]),
    u32leBytes(epochSec),
    text,
  );
}

/**
 * The parser of one reply: null unless the frame starts with `code` and has at
 * least `minLength` bytes; `read` starts after the code.
 */
function reply<T>(
  code: number,
  minLength: number,
  read: (r: ByteReader) => T | null,
): (f: Uint8Array) => T | null {
  return (f) => (f[0] === code && f.length >= minLength ? read(new ByteReader(f, 1)) : null);
}

export interface DeviceInfo {
  readonly firmwareCode: number;
  readonly maxChannels: number | null;
  readonly buildDate: string | null;
  readonly model: string | null;
  readonly version: string | null;
}

export const parseDeviceInfo = reply(RESP.DEVICE_INFO, 2, (r): DeviceInfo => {
  const firmwareCode = r.u8()!;
  r.u8(); // max contacts / 2
  const maxChannels = r.u8();
  r.bytes(4); // BLE PIN: never kept
  return {
    firmwareCode,
    maxChannels,
    buildDate: cleanText(r.bytes(12), 12),
    model: cleanText(r.bytes(40), 40),
    version: cleanText(r.bytes(20), 20),
  };
});

export interface SelfInfo {
  readonly publicKey: string;
  readonly txPowerDbm: number;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly params: RadioParams | null;
  readonly name: string | null;
}

export const parseSelfInfo = reply(RESP.SELF_INFO, 36, (r): SelfInfo => {
  r.u8(); // advert type
  const txPowerDbm = r.i8()!;
  r.u8(); // max tx power
  const publicKey = toHex(r.bytes(32)!, true);
  const lat = r.i32();
  const lon = r.i32();
  r.bytes(4); // multi acks, location policy, telemetry modes, manual add
  const freq = r.u32(); // kHz
  const bw = r.u32(); // Hz
  const sf = r.u8();
  const cr = r.u8();
  const params =
    freq !== null && bw !== null && sf !== null && cr !== null
      ? { freqMHz: freq / 1000, bwKHz: bw / 1000, sf, cr, txPowerDbm }
      : null;
  return {
    publicKey,
    txPowerDbm,
    lat: lat === null ? null : lat / 1e6,
    lon: lon === null ? null : lon / 1e6,
    params,
    name: cleanText(r.rest(), 32),
  };
});

/** LOG_RX_DATA: `88, int8 SNR*4, int8 RSSI, raw packet`. */
export function parseLogRx(f: Uint8Array): { snr: number; rssi: number; raw: Uint8Array } | null {
  if (f[0] !== PUSH.LOG_RX_DATA || f.length < 4) return null;
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
  return { snr: dv.getInt8(1) / 4, rssi: dv.getInt8(2), raw: f.slice(3) };
}

export const parseCurrTime = reply(RESP.CURR_TIME, 1, (r) => r.u32());

export const parseChannelInfo = reply(RESP.CHANNEL_INFO, 2, (r) => ({
  idx: r.u8()!,
  name: cleanText(r.bytes(32), 32),
  secret: r.bytes(16),
}));

/** Merge one GET_STATS reply into the stats so far. */
export function mergeStats(prev: RadioStats, f: Uint8Array): RadioStats | null {
  if (f[0] !== RESP.STATS || f.length < 2) return null;
  const r = new ByteReader(f, 2);
  switch (f[1]) {
    case STATS_CORE: {
      const batteryMv = r.u16();
      const uptimeSecs = r.u32();
      r.u16(); // error flags
      const queueLen = r.u8();
      return { ...prev, batteryMv, uptimeSecs, queueLen };
    }
    case STATS_RADIO: {
      const noiseFloorDbm = r.i16();
      r.i8(); // last rssi
      r.i8(); // last snr
      return { ...prev, noiseFloorDbm, txAirSecs: r.u32(), rxAirSecs: r.u32() };
    }
    case STATS_PACKETS: {
      r.bytes(24); // recv, sent, flood/direct tx/rx
      return { ...prev, recvErrors: r.u32() };
    }
    default:
      return null;
  }
}

export { EMPTY_STATS } from "../types.ts";

/** Reply codes 0..28 and push codes 0x80..0x90 exist (MyMesh.cpp); anything else is garbage. */
export function plausibleFrame(f: Uint8Array): boolean {
  const c = f[0];
  if (c === undefined) return false;
  if (c === PUSH.LOG_RX_DATA) return f.length >= 5;
  return c <= 28 || (c >= 0x80 && c <= 0x90);
}

/** An ERR/DISABLED reply as text, else null. */
export function replyError(f: Uint8Array): string | null {
  if (f[0] === RESP.ERR) return ERR_NAMES[f[1] ?? 0] ?? `error ${f[1] ?? "?"}`;
  if (f[0] === RESP.DISABLED) return "disabled in this firmware build";
  return null;
}
