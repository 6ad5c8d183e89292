/**
 * The KISS modem firmware (examples/kiss_modem/KissModem.cpp,
 * docs/kiss_modem_protocol.md): SLIP-escaped frames, data frames out and in,
 * MeshCore extensions under SetHardware (0x06) with replies at code | 0x80.
 */
import { toHex, u32le, u32leBytes } from "../../core/bytes.ts";
import type { RxPacket } from "../../core/types.ts";
import { sha256, sign, verify } from "../../protocol/crypto.ts";
import { airtimeMs } from "../radio.ts";
import { type CommandTable, FirmwareBase, type FirmwareDevice, int8 } from "./device.ts";

const FEND = 0xc0;
const FESC = 0xdb;
const TFEND = 0xdc;
const TFESC = 0xdd;
const MAX_DATA = 255;
/** Maximum unescaped frame (type + data). */
const MAX_FRAME = 512;

const E_LENGTH = 0x01;
const E_PARAM = 0x02;
const E_NO_CALLBACK = 0x03;
const E_UNKNOWN = 0x05;
const E_TX_BUSY = 0x07;
/** Sub-commands the modem knows but this board has no callback for. */
const NO_CALLBACK = new Set([0x05, 0x06, 0x07, 0x14, 0x15]);

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

export class KissFirmware extends FirmwareBase implements FirmwareDevice {
  readonly kind = "kiss" as const;
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

  /** SetHardware sub-commands by code; `min` is the fewest argument bytes. */
  private readonly hardwareCommands: CommandTable = {
    1: { name: "GetIdentity", run: () => this.reply(0x81, this.o.sim.identity.publicKey) },
    2: { name: "GetRandom", run: (a) => this.random(a[0] ?? 0) },
    3: { name: "Verify", min: 96, run: (a) => this.checkSignature(a) },
    4: { name: "Sign", run: (a) => this.reply(0x84, sign(this.o.sim.identity, a)) },
    8: { name: "Hash", run: (a) => this.reply(0x88, sha256(a)) },
    9: { name: "SetRadio", min: 10, run: (a) => this.setRadio(a) },
    10: { name: "SetTxPower", min: 1, run: (a) => this.setTxPower(a[0] ?? 0) },
    11: { name: "GetRadio", run: () => this.getRadio() },
    12: { name: "GetTxPower", run: () => this.reply(0x8c, Uint8Array.of(this.txPower & 0xff)) },
    13: { name: "GetCurrentRssi", run: () => this.currentRssi() },
    14: { name: "IsChannelBusy", run: () => this.reply(0x8e, Uint8Array.of(0)) },
    15: { name: "GetAirtime", min: 1, run: (a) => this.airtime(a[0] ?? 0) },
    16: { name: "GetNoiseFloor", run: () => this.noiseFloor() },
    17: { name: "GetVersion", run: () => this.reply(0x91, Uint8Array.of(1, 0)) },
    18: { name: "GetStats", run: () => this.statsReply() },
    19: { name: "GetBattery", run: () => this.reply(0x93, Uint8Array.of(0x6a, 0x10)) }, // 4202 mV
    22: { name: "GetDeviceName", run: () => this.deviceName() },
    23: { name: "Ping", run: () => this.reply(0x97, new Uint8Array(0)) },
    24: { name: "Reboot", run: () => this.ok() },
    25: { name: "SetSignalReport", min: 1, run: (a) => this.setSignalReport(a[0] !== 0) },
    26: { name: "GetSignalReport", run: () => this.signalReportReply() },
  };

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
      this.fail(E_TX_BUSY);
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
    this.dispatch(this.hardwareCommands, sub, d, d.subarray(1), `Sub_${sub.toString(16)}`, (cmd) =>
      this.fail(cmd ? E_LENGTH : NO_CALLBACK.has(sub) ? E_NO_CALLBACK : E_UNKNOWN),
    );
  }

  private random(n: number): void {
    if (n < 1 || n > 64) this.fail(E_PARAM);
    else this.reply(0x82, this.rng.bytes(n));
  }

  /** Key 32, signature 64, then the message. */
  private checkSignature(arg: Uint8Array): void {
    const ok = verify(arg.subarray(0, 32), arg.subarray(96), arg.subarray(32, 96));
    this.reply(0x83, Uint8Array.of(ok ? 1 : 0));
  }

  private setTxPower(dbm: number): void {
    this.txPower = (dbm << 24) >> 24;
    this.ok();
  }

  private getRadio(): void {
    const r = this.radio;
    this.reply(0x8b, Uint8Array.of(...u32leBytes(r.freqHz), ...u32leBytes(r.bwHz), r.sf, r.cr));
  }

  private currentRssi(): void {
    this.reply(0x8d, Uint8Array.of(int8(this.lastRssi - 10)));
  }

  private airtime(len: number): void {
    const r = this.radio;
    const p = r.sf ? { sf: r.sf, bwKHz: r.bwHz / 1000, cr: r.cr } : undefined;
    this.reply(0x8f, u32leBytes(Math.round(airtimeMs(len, p))));
  }

  private noiseFloor(): void {
    const nf = new Uint8Array(2);
    new DataView(nf.buffer).setInt16(0, -118 + this.rng.int(-2, 2), true);
    this.reply(0x90, nf);
  }

  private statsReply(): void {
    const { rx, tx, errors } = this.stats;
    this.reply(0x92, Uint8Array.of(...u32leBytes(rx), ...u32leBytes(tx), ...u32leBytes(errors)));
  }

  private deviceName(): void {
    this.reply(0x96, new TextEncoder().encode(this.o.sim.gateway.name));
  }

  private setSignalReport(on: boolean): void {
    this.signalReport = on;
    this.ok();
  }

  private signalReportReply(): void {
    this.reply(0x9a, Uint8Array.of(this.signalReport ? 1 : 0));
  }

  private setRadio(arg: Uint8Array): void {
    const freqHz = u32le(arg, 0);
    const bwHz = u32le(arg, 4);
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
      this.fail(E_PARAM);
      return;
    }
    this.radio = { freqHz, bwHz, sf, cr };
    this.ok();
  }

  private ok(): void {
    this.reply(0xf0, new Uint8Array(0));
  }

  private fail(code: number): void {
    this.reply(0xf1, Uint8Array.of(code));
  }

  private reply(code: number, data: Uint8Array): void {
    const body = new Uint8Array(1 + data.length);
    body[0] = code;
    body.set(data, 1);
    this.o.out(kissFrame(0x06, body));
  }
}
