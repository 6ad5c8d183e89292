/**
 * The KISS modem firmware (examples/kiss_modem/KissModem.cpp,
 * docs/kiss_modem_protocol.md): SLIP-escaped frames, data frames out and in,
 * MeshCore extensions under SetHardware (0x06) with replies at code | 0x80.
 */
import { createHash } from "node:crypto";
import { toHex } from "../../core/bytes.ts";
import type { RxPacket } from "../../core/types.ts";
import { sign, verify } from "../../protocol/crypto.ts";
import { airtimeMs } from "../radio.ts";
import { Rng } from "../rng.ts";
import {
  type FirmwareDevice,
  type FirmwareOptions,
  type HostRecord,
  int8,
  Recorder,
  readU32,
  u32le,
} from "./device.ts";

const FEND = 0xc0;
const FESC = 0xdb;
const TFEND = 0xdc;
const TFESC = 0xdd;
const MAX_DATA = 255;
/** Maximum unescaped frame (type + data). */
const MAX_FRAME = 512;

const SUB_NAMES: Record<number, string> = {
  1: "GetIdentity",
  2: "GetRandom",
  3: "Verify",
  4: "Sign",
  8: "Hash",
  9: "SetRadio",
  10: "SetTxPower",
  11: "GetRadio",
  12: "GetTxPower",
  13: "GetCurrentRssi",
  14: "IsChannelBusy",
  15: "GetAirtime",
  16: "GetNoiseFloor",
  17: "GetVersion",
  18: "GetStats",
  19: "GetBattery",
  22: "GetDeviceName",
  23: "Ping",
  24: "Reboot",
  25: "SetSignalReport",
  26: "GetSignalReport",
};

const E_LENGTH = 0x01;
const E_PARAM = 0x02;
const E_NO_CALLBACK = 0x03;
const E_UNKNOWN = 0x05;
const E_TX_BUSY = 0x07;

/** KISS-escape one frame: C0 type data C0. */
export function kissFrame(type: number, data: Uint8Array): Uint8Array {
  const out: number[] = [FEND];
  for (const b of [type, ...data]) {
    if (b === FEND) out.push(FESC, TFEND);
    else if (b === FESC) out.push(FESC, TFESC);
    else out.push(b);
  }
  out.push(FEND);
  return Uint8Array.from(out);
}

export class KissFirmware implements FirmwareDevice {
  readonly kind = "kiss" as const;
  private readonly o: FirmwareOptions;
  private readonly clock: () => number;
  private readonly rec: Recorder;
  private readonly rng: Rng;
  private frame: number[] = [];
  private inFrame = false;
  private escaped = false;
  /** Radio params as set by the host: zeros until SetRadio (not persisted). */
  private radio = { freqHz: 0, bwHz: 0, sf: 0, cr: 0 };
  private txPower = 22;
  private signalReport = true;
  private txPending: NodeJS.Timeout | null = null;
  private readonly stats = { rx: 0, tx: 0, errors: 0 };
  private lastRssi = -120;
  badFrames = 0;

  constructor(o: FirmwareOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
    this.rec = new Recorder(this.clock);
    this.rng = new Rng(o.seed ?? 1);
  }

  input(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === FEND) {
        // The modem ignores everything until it has seen a FEND.
        if (this.inFrame && this.frame.length > 0) this.handle(Uint8Array.from(this.frame));
        this.inFrame = true;
        this.frame = [];
        this.escaped = false;
        continue;
      }
      if (!this.inFrame) continue;
      if (this.escaped) {
        this.escaped = false;
        if (b === TFEND) this.frame.push(FEND);
        else if (b === TFESC) this.frame.push(FESC);
        else this.badFrames++; // invalid escape: drop the byte
      } else if (b === FESC) {
        this.escaped = true;
      } else {
        this.frame.push(b);
      }
      if (this.frame.length > MAX_FRAME) {
        this.badFrames++;
        this.inFrame = false;
        this.frame = [];
      }
    }
  }

  heard(rx: RxPacket): void {
    this.stats.rx++;
    this.lastRssi = rx.rssi ?? -120;
    this.o.out(kissFrame(0x00, rx.raw));
    if (this.signalReport) {
      this.o.out(kissFrame(0x06, Uint8Array.of(0xf9, int8((rx.snr ?? 0) * 4), int8(rx.rssi ?? 0))));
    }
  }

  record(): HostRecord {
    return this.rec.snapshot();
  }

  close(): void {
    if (this.txPending) clearTimeout(this.txPending);
    this.txPending = null;
  }

  private handle(f: Uint8Array): void {
    const type = f[0] ?? 0;
    const data = f.subarray(1);
    if (type >> 4 !== 0) return; // other ports are not ours
    switch (type & 0x0f) {
      case 0x00: {
        this.data(data);
        return;
      }
      case 0x06: {
        this.hardware(data);
        return;
      }
      case 0x0f: // 0xFF Return: no-op
        return;
      default:
        // TXDELAY, persistence, slot time, TXtail, full duplex: accepted silently.
        this.rec.command(`KISS_${type}`, toHex(f));
    }
  }

  private data(raw: Uint8Array): void {
    this.rec.command("Data", toHex(raw));
    if (raw.length === 0 || raw.length > MAX_DATA) return; // silently dropped
    if (this.txPending) {
      this.reply(0xf1, Uint8Array.of(E_TX_BUSY));
      return;
    }
    this.rec.transmit(raw);
    this.o.sim.transmit(raw);
    this.txPending = setTimeout(
      () => {
        this.txPending = null;
        this.stats.tx++;
        this.reply(0xf8, Uint8Array.of(0x01));
      },
      Math.min(50, airtimeMs(raw.length) / 20), // time-compressed airtime
    );
    this.txPending.unref();
  }

  private hardware(d: Uint8Array): void {
    const sub = d[0];
    if (sub === undefined) return;
    const arg = d.subarray(1);
    this.rec.command(SUB_NAMES[sub] ?? `Sub_${sub.toString(16)}`, toHex(d));
    const id = this.o.sim.identity;
    switch (sub) {
      case 0x01: {
        this.reply(0x81, id.publicKey);
        return;
      }
      case 0x02: {
        const n = arg[0] ?? 0;
        if (n < 1 || n > 64) {
          this.reply(0xf1, Uint8Array.of(E_PARAM));
          return;
        }
        this.reply(0x82, this.rng.bytes(n));
        return;
      }
      case 0x03:
        if (arg.length < 96) {
          this.reply(0xf1, Uint8Array.of(E_LENGTH));
          return;
        }
        {
          this.reply(
            0x83,
            Uint8Array.of(
              verify(arg.subarray(0, 32), arg.subarray(96), arg.subarray(32, 96)) ? 1 : 0,
            ),
          );
          return;
        }
      case 0x04: {
        this.reply(0x84, sign(id, arg));
        return;
      }
      case 0x08: {
        this.reply(0x88, new Uint8Array(createHash("sha256").update(arg).digest()));
        return;
      }
      case 0x09: {
        this.setRadio(arg);
        return;
      }
      case 0x0a:
        if (arg.length < 1) {
          this.reply(0xf1, Uint8Array.of(E_LENGTH));
          return;
        }
        this.txPower = ((arg[0] ?? 0) << 24) >> 24;
        this.reply(0xf0, new Uint8Array(0));
        return;
      case 0x0b: {
        const r = this.radio;
        this.reply(0x8b, Uint8Array.of(...u32le(r.freqHz), ...u32le(r.bwHz), r.sf, r.cr));
        return;
      }
      case 0x0c: {
        this.reply(0x8c, Uint8Array.of(this.txPower & 0xff));
        return;
      }
      case 0x0d: {
        this.reply(0x8d, Uint8Array.of(int8(this.lastRssi - 10)));
        return;
      }
      case 0x0e: {
        this.reply(0x8e, Uint8Array.of(0));
        return;
      }
      case 0x0f: {
        if (arg.length < 1) {
          this.reply(0xf1, Uint8Array.of(E_LENGTH));
          return;
        }
        const r = this.radio;
        const p = r.sf ? { sf: r.sf, bwKHz: r.bwHz / 1000, cr: r.cr } : undefined;
        this.reply(0x8f, u32le(Math.round(airtimeMs(arg[0] ?? 0, p))));
        return;
      }
      case 0x10: {
        const nf = new Uint8Array(2);
        new DataView(nf.buffer).setInt16(0, -118 + this.rng.int(-2, 2), true);
        this.reply(0x90, nf);
        return;
      }
      case 0x11: {
        this.reply(0x91, Uint8Array.of(1, 0));
        return;
      }
      case 0x12: {
        this.reply(
          0x92,
          Uint8Array.of(
            ...u32le(this.stats.rx),
            ...u32le(this.stats.tx),
            ...u32le(this.stats.errors),
          ),
        );
        return;
      }
      case 0x13: {
        this.reply(0x93, Uint8Array.of(0x6a, 0x10));
        return;
      } // 4202 mV
      case 0x16: {
        this.reply(0x96, new TextEncoder().encode(this.o.sim.gateway.name));
        return;
      }
      case 0x17: {
        this.reply(0x97, new Uint8Array(0));
        return;
      }
      case 0x18: {
        this.reply(0xf0, new Uint8Array(0));
        return;
      }
      case 0x19:
        if (arg.length < 1) {
          this.reply(0xf1, Uint8Array.of(E_LENGTH));
          return;
        }
        this.signalReport = arg[0] !== 0;
        this.reply(0xf0, new Uint8Array(0));
        return;
      case 0x1a: {
        this.reply(0x9a, Uint8Array.of(this.signalReport ? 1 : 0));
        return;
      }
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x14:
      case 0x15: {
        this.reply(0xf1, Uint8Array.of(E_NO_CALLBACK));
        return;
      }
      default: {
        this.reply(0xf1, Uint8Array.of(E_UNKNOWN));
        return;
      }
    }
  }

  private setRadio(arg: Uint8Array): void {
    if (arg.length < 10) {
      this.reply(0xf1, Uint8Array.of(E_LENGTH));
      return;
    }
    const freqHz = readU32(arg, 0);
    const bwHz = readU32(arg, 4);
    const sf = arg[8] ?? 0;
    const cr = arg[9] ?? 0;
    if (
      freqHz < 150e6 ||
      freqHz > 2.5e9 ||
      bwHz < 7000 ||
      bwHz > 500_000 ||
      sf < 5 ||
      sf > 12 ||
      cr < 5 ||
      cr > 8
    ) {
      this.reply(0xf1, Uint8Array.of(E_PARAM));
      return;
    }
    this.radio = { freqHz, bwHz, sf, cr };
    this.reply(0xf0, new Uint8Array(0));
  }

  private reply(code: number, data: Uint8Array): void {
    const body = new Uint8Array(1 + data.length);
    body[0] = code;
    body.set(data, 1);
    this.o.out(kissFrame(0x06, body));
  }
}
