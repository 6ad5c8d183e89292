/**
 * A scripted KISS modem, written from docs/kiss_modem_protocol.md: its own
 * tiny SLIP codec (independent of the driver's), SetHardware answers, data
 * frames paired with RxMeta, TxDone after each transmit.
 */

import { le32 } from "../bytes.ts";
import type { PeerPipe } from "../pty.ts";

export const MODEM_PUBKEY = Uint8Array.from({ length: 32 }, (_, i) => (0xa0 + i) & 0xff);

export function slip(type: number, data: Uint8Array | number[]): Uint8Array {
  const out = [0xc0];
  for (const b of [type, ...data]) {
    if (b === 0xc0) out.push(0xdb, 0xdc);
    else if (b === 0xdb) out.push(0xdb, 0xdd);
    else out.push(b);
  }
  out.push(0xc0);
  return Uint8Array.from(out);
}

export class KissPeer {
  /** Every frame the host sent: [type, ...data]. */
  readonly frames: Uint8Array[] = [];
  radio = new Uint8Array(10); // zeros until SetRadio, as the modem does
  txPower: number | null = null;
  mute = false;
  private cur: number[] | null = null;
  private esc = false;

  constructor(readonly pipe: PeerPipe) {
    pipe.onData((b) => this.onBytes(b));
  }

  /** A received packet: data frame, then its RxMeta. */
  pushRx(raw: Uint8Array, snr: number, rssi: number, withMeta = true): void {
    this.pipe.write(slip(0x00, raw));
    if (withMeta) this.pipe.write(slip(0x06, [0xf9, (snr * 4) & 0xff, rssi & 0xff]));
  }

  hw(sub: number, data: number[] = []): void {
    this.pipe.write(slip(0x06, [sub, ...data]));
  }

  private onBytes(b: Uint8Array): void {
    for (const x of b) {
      if (x === 0xc0) {
        if (this.cur && this.cur.length > 0) this.onFrame(Uint8Array.from(this.cur));
        this.cur = [];
        this.esc = false;
      } else if (this.cur) {
        if (this.esc) {
          this.cur.push(x === 0xdc ? 0xc0 : x === 0xdd ? 0xdb : x);
          this.esc = false;
        } else if (x === 0xdb) this.esc = true;
        else this.cur.push(x);
      }
    }
  }

  private onFrame(f: Uint8Array) {
    this.frames.push(f);
    if (this.mute) return;
    if (f[0] === 0x00) {
      setTimeout(() => this.hw(0xf8, [1]), 5); // TxDone after "airtime"
      return;
    }
    if (f[0] !== 0x06) return;
    const sub = f[1];
    const d = f.subarray(2);
    switch (sub) {
      case 0x01:
        return this.hw(0x81, [...MODEM_PUBKEY]);
      case 0x04:
        return this.hw(0x84, new Array(64).fill(d.length & 0xff));
      case 0x09:
        this.radio = d.slice(0, 10);
        return this.hw(0xf0);
      case 0x0a:
        this.txPower = d[0]!;
        return this.hw(0xf0);
      case 0x0b:
        return this.hw(0x8b, [...this.radio]);
      case 0x0f:
        return this.hw(0x8f, le32(100 + d[0]!));
      case 0x10:
        return this.hw(0x90, [0x8a, 0xff]); // -118 dBm
      case 0x11:
        return this.hw(0x91, [1, 0]);
      case 0x12:
        return this.hw(0x92, [...le32(10), ...le32(2), ...le32(4)]);
      case 0x13:
        return this.hw(0x93, [0x74, 0x0e]); // 3700 mV
      case 0x16:
        return this.hw(0x96, [...new TextEncoder().encode("RAK4631")]);
      default:
        return this.hw(0xf1, [5]);
    }
  }

  dataFrames(): Uint8Array[] {
    return this.frames.filter((f) => f[0] === 0x00).map((f) => f.subarray(1));
  }
  hwFrames(sub: number): Uint8Array[] {
    return this.frames.filter((f) => f[0] === 0x06 && f[1] === sub).map((f) => f.subarray(2));
  }
}
