/**
 * MeshCore KISS modem SetHardware (0x06) sub-commands and replies.
 * Codes and layouts: examples/kiss_modem/KissModem.h/.cpp, docs/kiss_modem_protocol.md.
 */

import { ByteReader, concatBytes, u32leBytes } from "../../core/bytes.ts";
import type { RadioParams } from "../../core/types.ts";

export const KISS_DATA = 0x00;
export const KISS_SET_HARDWARE = 0x06;
/** MAX_TRANS_UNIT: data frames above this are dropped by the modem. */
export const MAX_RAW_PACKET = 255;

export const HW = {
  GET_IDENTITY: 0x01,
  SIGN: 0x04,
  SET_RADIO: 0x09,
  SET_TX_POWER: 0x0a,
  GET_RADIO: 0x0b,
  GET_AIRTIME: 0x0f,
  GET_NOISE_FLOOR: 0x10,
  GET_VERSION: 0x11,
  GET_STATS: 0x12,
  GET_BATTERY: 0x13,
  GET_DEVICE_NAME: 0x16,
} as const;

export const HW_OK = 0xf0;
export const HW_ERROR = 0xf1;
export const HW_TX_DONE = 0xf8;
export const HW_RX_META = 0xf9;
export const hwResp = (cmd: number): number => cmd | 0x80;

export const HW_ERR_NAMES: Record<number, string> = {
  1: "invalid length",
  2: "invalid parameter",
  3: "not available on this board",
  4: "MAC failed",
  5: "unknown command",
  6: "encrypt failed",
  7: "TX busy",
};

/** The SetHardware payload (after the KISS type byte). */
export function hw(sub: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes(new Uint8Array([sub]), data);
}

/** SetRadio: freq u32 Hz, bw u32 Hz, sf, cr (KissModem::handleSetRadio). */
export function setRadioData(p: RadioParams): Uint8Array {
  return concatBytes(
    u32leBytes(Math.round(p.freqMHz * 1e6)),
    u32leBytes(Math.round(p.bwKHz * 1000)),
    new Uint8Array([p.sf, p.cr]),
  );
}

export function parseRadio(d: Uint8Array): RadioParams | null {
  const r = new ByteReader(d, 1);
  const freq = r.u32();
  const bw = r.u32();
  const sf = r.u8();
  const cr = r.u8();
  if (freq === null || bw === null || sf === null || cr === null) return null;
  if (freq === 0) return null; // GetRadio answers zeros until SetRadio
  return { freqMHz: freq / 1e6, bwKHz: bw / 1000, sf, cr };
}

export function parseStats(d: Uint8Array): { rx: number; tx: number; errors: number } | null {
  const r = new ByteReader(d, 1);
  const rx = r.u32();
  const tx = r.u32();
  const errors = r.u32();
  return rx === null || tx === null || errors === null ? null : { rx, tx, errors };
}

export function parseRxMeta(d: Uint8Array): { snr: number; rssi: number } | null {
  if (d.length < 3) return null;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  return { snr: dv.getInt8(1) / 4, rssi: dv.getInt8(2) };
}

export function hwError(d: Uint8Array): string | null {
  if (d[0] !== HW_ERROR) return null;
  return HW_ERR_NAMES[d[1] ?? 0] ?? `error ${d[1] ?? "?"}`;
}
