/**
 * A scripted companion firmware, written from the protocol facts (not from
 * the driver): `<` frames in, `>` frames out, a few commands answered.
 */

import { le32 } from "../bytes.ts";
import type { PeerPipe } from "../pty.ts";

export const PEER_PUBKEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 0x21) & 0xff);

export interface CompanionPeerOptions {
  name?: string;
  /** Radio clock, epoch seconds. */
  clock?: number;
  /** Stop answering (a hung radio), but keep the port open. */
  mute?: boolean;
  channels?: { idx: number; name: string; secret: Uint8Array }[];
  queuedMessages?: number;
  /** Behave like a very old build that does not know DEVICE_QUERY. */
  noDeviceQuery?: boolean;
}

function frameOut(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + payload.length);
  out[0] = 0x3e;
  out[1] = payload.length & 0xff;
  out[2] = payload.length >> 8;
  out.set(payload, 3);
  return out;
}

export class CompanionPeer {
  readonly commands: Uint8Array[] = [];
  private buf: number[] = [];
  opts: CompanionPeerOptions;

  constructor(
    readonly pipe: PeerPipe,
    opts: CompanionPeerOptions = {},
  ) {
    this.opts = {
      name: "PeerNode",
      clock: 1_700_000_000,
      queuedMessages: 0,
      channels: [],
      ...opts,
    };
    pipe.onData((b) => this.onBytes(b));
  }

  send(payload: number[] | Uint8Array): void {
    this.pipe.write(frameOut(Uint8Array.from(payload)));
  }

  /** LOG_RX_DATA push: 0x88, SNR*4, RSSI, raw. */
  pushRx(raw: Uint8Array, snr: number, rssi: number): void {
    this.send([0x88, (snr * 4) & 0xff, rssi & 0xff, ...raw]);
  }

  commandCodes(): number[] {
    return this.commands.map((c) => c[0]!);
  }

  private onBytes(b: Uint8Array): void {
    this.buf.push(...b);
    for (;;) {
      const start = this.buf.indexOf(0x3c);
      if (start < 0) {
        this.buf = [];
        return;
      }
      if (start > 0) this.buf.splice(0, start);
      if (this.buf.length < 3) return;
      const len = this.buf[1]! | (this.buf[2]! << 8);
      if (this.buf.length < 3 + len) return;
      const cmd = Uint8Array.from(this.buf.slice(3, 3 + len));
      this.buf.splice(0, 3 + len);
      this.commands.push(cmd);
      if (!this.opts.mute) this.answer(cmd);
    }
  }

  private answer(c: Uint8Array) {
    const o = this.opts;
    const ok = () => this.send([0]);
    switch (c[0]) {
      case 22: {
        if (o.noDeviceQuery) return this.send([1, 1]);
        // DEVICE_INFO: code, fw 13, contacts/2, channels, pin 4, date 12, model 40, version 20
        const f = new Uint8Array(82);
        f.set([13, 13, 50, 8]);
        f.set(new TextEncoder().encode("1 Jan 2026"), 8);
        f.set(new TextEncoder().encode("Heltec V3"), 20);
        f.set(new TextEncoder().encode("v1.17.1"), 60);
        return this.send(f);
      }
      case 1: {
        // SELF_INFO: type, tx, maxtx, pubkey, lat, lon, 4 flags, freq kHz, bw Hz, sf, cr, name
        const name = new TextEncoder().encode(o.name);
        return this.send([
          5,
          1,
          22,
          22,
          ...PEER_PUBKEY,
          ...le32(47_543_968),
          ...le32(-122_108_616 >>> 0),
          0,
          0,
          0,
          0,
          ...le32(869_618),
          ...le32(62_500),
          8,
          8,
          ...name,
        ]);
      }
      case 5:
        return this.send([9, ...le32(o.clock!)]);
      case 6: {
        const t = new DataView(c.buffer, c.byteOffset).getUint32(1, true);
        if (t < o.clock!) return this.send([1, 6]); // never backwards
        o.clock = t;
        return ok();
      }
      case 56: {
        const sub = c[1];
        if (sub === 0) return this.send([24, 0, ...[0x10, 0x0e], ...le32(3600), 0, 0, 2]);
        if (sub === 1)
          return this.send([24, 1, ...[0x8c, 0xff], 0xa0, 20, ...le32(12), ...le32(345)]);
        return this.send([24, 2, ...new Array(24).fill(0), ...le32(7)]);
      }
      case 10:
        if (o.queuedMessages! > 0) {
          o.queuedMessages!--;
          return this.send([17, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode("x: hi")]);
        }
        return this.send([10]);
      case 7:
      case 3:
      case 11:
      case 12:
        return ok();
      case 31: {
        const ch = o.channels!.find((x) => x.idx === c[1]);
        if (!ch) return this.send([1, 2]);
        const f = new Uint8Array(50);
        f[0] = 18;
        f[1] = ch.idx;
        f.set(new TextEncoder().encode(ch.name), 2);
        f.set(ch.secret.subarray(0, 16), 34);
        return this.send(f);
      }
      case 33:
        return this.send([19, 0, ...le32(8192)]);
      case 34:
        return ok();
      case 35:
        return this.send([20, ...new Array(64).fill(0x5a)]);
      default:
        return this.send([1, 1]);
    }
  }
}
