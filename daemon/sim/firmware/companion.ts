/**
 * The stock companion radio firmware as seen over USB serial or TCP
 * (examples/companion_radio/MyMesh.cpp handleCmdFrame, v1.17): `<` + u16 LE
 * length frames in, `>` frames out, pushes interleaved with replies.
 */
import { toHex, u32le, u32leBytes } from "../../core/bytes.ts";
import type { RxPacket } from "../../core/types.ts";
import {
  PAYLOAD_ADVERT,
  PAYLOAD_GRP_TXT,
  ROUTE_DIRECT,
  ROUTE_FLOOD,
} from "../../protocol/constants.ts";
import { decryptChannel, expandSeed } from "../../protocol/crypto.ts";
import {
  buildAdvertPayload,
  buildGroupTextPayload,
  encodePacket,
  fitAdvertName,
} from "../../protocol/encode.ts";
import { frameLayout, packetHash } from "../../protocol/hash.ts";
import {
  type CommandTable,
  FirmwareBase,
  type FirmwareDevice,
  type FirmwareOptions,
  type HostCommandSpec,
  int8,
  PacketCounters,
} from "./device.ts";

/** MAX_FRAME_SIZE since v1.16 (src/helpers/BaseSerialInterface.h). */
export const MAX_FRAME = 176;
const FIRMWARE_VER_CODE = 13; // examples/companion_radio/MyMesh.h (v1.17)
const MAX_QUEUE = 16;

const ERR_UNSUPPORTED = 1;
const ERR_NOT_FOUND = 2;
const ERR_ILLEGAL_ARG = 6;

/** A command whose too-short frame gets `short` back (ERR_ILLEGAL_ARG when absent). */
interface CompanionCommand extends HostCommandSpec {
  readonly short?: number;
}

function fixed(text: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(text).subarray(0, size - 1));
  return out;
}

export class CompanionFirmware extends FirmwareBase implements FirmwareDevice {
  readonly kind = "companion" as const;
  private buf = new Uint8Array(0);
  private appVer = 0;
  private name: string;
  private lat: number;
  private lon: number;
  private radio = { freqKHz: 910_525, bwHz: 62_500, sf: 7, cr: 5, txPower: 22 };
  private readonly queue: Uint8Array[] = [];
  private readonly seenMsgs = new Set<string>();
  private readonly seenAdverts = new Set<string>();
  private readonly stats = new PacketCounters();
  /** Bytes that were not a frame (resync), for tests of host framing. */
  garbage = 0;

  /** The commands handleCmdFrame knows, by code; `min` is the shortest whole frame. */
  private readonly commands: CommandTable<CompanionCommand> = {
    1: { name: "APP_START", min: 8, short: ERR_UNSUPPORTED, run: () => this.selfInfo() },
    3: { name: "SEND_CHANNEL_TXT_MSG", min: 7, run: (f) => this.channelSend(f) },
    4: { name: "GET_CONTACTS", run: () => this.noContacts() },
    5: { name: "GET_DEVICE_TIME", run: () => this.currentTime() },
    6: { name: "SET_DEVICE_TIME", min: 5, short: ERR_UNSUPPORTED, run: (f) => this.setTime(f) },
    7: { name: "SEND_SELF_ADVERT", run: (f) => this.selfAdvert(f.length >= 2 && f[1] === 1) },
    8: { name: "SET_ADVERT_NAME", run: (f) => this.setName(f) },
    10: { name: "SYNC_NEXT_MESSAGE", run: () => this.syncNext() },
    11: { name: "SET_RADIO_PARAMS", min: 11, run: (f) => this.setRadio(f) },
    12: { name: "SET_RADIO_TX_POWER", min: 2, run: (f) => this.setTxPower(f) },
    14: { name: "SET_ADVERT_LATLON", min: 9, run: (f) => this.setLatLon(f) },
    // REBOOT: a real device drops the link; the simulation carries on.
    19: { name: "REBOOT", run: () => {} },
    20: { name: "GET_BATT_AND_STORAGE", run: () => this.battery() },
    22: { name: "DEVICE_QUERY", min: 2, short: ERR_UNSUPPORTED, run: (f) => this.deviceQuery(f) },
    23: { name: "EXPORT_PRIVATE_KEY", run: () => this.exportKey() },
    31: { name: "GET_CHANNEL", run: (f) => this.channelInfo(f[1] ?? 255) },
    56: { name: "GET_STATS", min: 2, short: ERR_UNSUPPORTED, run: (f) => this.statsReply(f) },
  };

  constructor(o: FirmwareOptions) {
    super(o);
    this.name = o.sim.gateway.name;
    this.lat = o.sim.gateway.lat;
    this.lon = o.sim.gateway.lon;
  }

  input(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    let i = 0;
    while (i < merged.length) {
      if (merged[i] !== 0x3c) {
        this.garbage++;
        i++;
        continue;
      }
      if (merged.length - i < 3) break;
      const len = (merged[i + 1] ?? 0) | ((merged[i + 2] ?? 0) << 8);
      if (len > MAX_FRAME) {
        // Not a plausible frame: drop the '<' and look for the next one.
        this.garbage++;
        i++;
        continue;
      }
      if (merged.length - i - 3 < len) break;
      const frame = merged.slice(i + 3, i + 3 + len);
      i += 3 + len;
      if (len > 0) this.command(frame);
    }
    this.buf = merged.slice(i, Math.max(i, merged.length));
    if (this.buf.length > 4 * MAX_FRAME) this.buf = new Uint8Array(0);
  }

  heard(rx: RxPacket): void {
    const f = frameLayout(rx.raw);
    this.stats.received(rx);
    this.stats.routed(f?.route === ROUTE_DIRECT);
    // LOG_RX_DATA only fits when len + 3 <= MAX_FRAME (firmware issue #3022).
    if (rx.raw.length + 3 <= MAX_FRAME) {
      this.push(Uint8Array.of(0x88, int8((rx.snr ?? 0) * 4), int8(rx.rssi ?? 0)), rx.raw);
    }
    if (!f) return;
    const payload = rx.raw.subarray(f.payloadOffset);
    if (f.payloadType === PAYLOAD_ADVERT && payload.length >= 100) {
      const key = toHex(payload.subarray(0, 32));
      if (!this.seenAdverts.has(key) && this.seenAdverts.size < 350) {
        this.seenAdverts.add(key);
        this.push(Uint8Array.of(0x80), payload.subarray(0, 32)); // PUSH_CODE_ADVERT (auto-added)
      }
    } else if (f.payloadType === PAYLOAD_GRP_TXT) {
      this.channelMessage(rx, f.route, f.pathLenByte, payload);
    }
  }

  close(): void {}

  private channelMessage(rx: RxPacket, route: number, pathLen: number, payload: Uint8Array): void {
    const hash = packetHash(rx.raw) ?? "";
    if (this.seenMsgs.has(hash)) return;
    const idx = this.o.sim.channelSlots.findIndex(
      (c) => decryptChannel(c.key, payload.subarray(1)) !== null,
    );
    if (idx < 0) return;
    const slot = this.o.sim.channelSlots[idx];
    const plain = slot ? decryptChannel(slot.key, payload.subarray(1)) : null;
    if (!plain) return;
    this.seenMsgs.add(hash);
    if (this.seenMsgs.size > 512) this.seenMsgs.clear();
    let end = plain.length;
    while (end > 5 && plain[end - 1] === 0) end--;
    const text = plain.subarray(5, end);
    const ts = plain.subarray(0, 4);
    const pathByte = route === ROUTE_DIRECT ? 0xff : pathLen;
    const head =
      this.appVer >= 3
        ? Uint8Array.of(0x11, int8((rx.snr ?? 0) * 4), 0, 0, idx, pathByte, 0)
        : Uint8Array.of(0x08, idx, pathByte, 0);
    const frame = new Uint8Array(Math.min(MAX_FRAME, head.length + 4 + text.length));
    frame.set(head);
    frame.set(ts, head.length);
    frame.set(text.subarray(0, frame.length - head.length - 4), head.length + 4);
    if (this.queue.length >= MAX_QUEUE) this.queue.shift();
    this.queue.push(frame);
    this.push(Uint8Array.of(0x83)); // MSG_WAITING
  }

  private command(frame: Uint8Array): void {
    const code = frame[0] ?? 0;
    this.dispatch(this.commands, code, frame, frame, `CMD_${code}`, (cmd) =>
      this.err(cmd ? (cmd.short ?? ERR_ILLEGAL_ARG) : ERR_UNSUPPORTED),
    );
  }

  private currentTime(): void {
    this.reply(Uint8Array.of(9), u32leBytes(this.rtc.now()));
  }

  /** The next queued channel message, or NO_MORE_MESSAGES. */
  private syncNext(): void {
    this.reply(this.queue.shift() ?? Uint8Array.of(10));
  }

  private deviceQuery(frame: Uint8Array): void {
    this.appVer = frame[1] ?? 0;
    this.deviceInfo();
  }

  private setTime(frame: Uint8Array): void {
    const secs = u32le(frame, 1);
    if (secs < this.rtc.now()) {
      this.err(ERR_ILLEGAL_ARG);
      return;
    }
    this.rtc.set(secs);
    this.rec.timeSet(secs);
    this.ok();
  }

  private setName(frame: Uint8Array): void {
    this.name = new TextDecoder().decode(frame.subarray(1, 32)).replace(/\0.*$/s, "");
    this.ok();
  }

  /** The simulated companion keeps no contacts: an empty list. */
  private noContacts(): void {
    this.reply(Uint8Array.of(2), u32leBytes(0));
    this.reply(Uint8Array.of(4), u32leBytes(0));
  }

  private setTxPower(frame: Uint8Array): void {
    this.radio.txPower = ((frame[1] ?? 0) << 24) >> 24;
    this.ok();
  }

  private setLatLon(frame: Uint8Array): void {
    this.lat = (u32le(frame, 1) | 0) / 1e6;
    this.lon = (u32le(frame, 5) | 0) / 1e6;
    this.ok();
  }

  private battery(): void {
    this.reply(Uint8Array.of(12, 0x6a, 0x10), u32leBytes(120), u32leBytes(1024));
  }

  private exportKey(): void {
    if (this.o.allowKeyExport) this.reply(Uint8Array.of(14), expandSeed(this.o.sim.identity.seed));
    else this.reply(Uint8Array.of(15));
  }

  private deviceInfo(): void {
    this.reply(
      Uint8Array.of(13, FIRMWARE_VER_CODE, 50, 8),
      u32leBytes(123456), // BLE PIN
      fixed("19-Nov-2026", 12),
      fixed("meshgate simulated radio", 40),
      fixed("v1.17.1", 20),
      Uint8Array.of(0, 0), // client repeat off, path hash mode 0
    );
  }

  private selfInfo(): void {
    const r = this.radio;
    const ll = new Uint8Array(8);
    const dv = new DataView(ll.buffer);
    dv.setInt32(0, Math.round(this.lat * 1e6), true);
    dv.setInt32(4, Math.round(this.lon * 1e6), true);
    this.reply(
      Uint8Array.of(5, 1, r.txPower & 0xff, 22),
      this.o.sim.identity.publicKey,
      ll,
      Uint8Array.of(0, 1, 0, 0), // multi acks, advert location policy, telemetry, manual add
      u32leBytes(r.freqKHz),
      u32leBytes(r.bwHz),
      Uint8Array.of(r.sf, r.cr),
      new TextEncoder().encode(this.name),
    );
  }

  private selfAdvert(floodIt: boolean): void {
    const where = { role: 1, lat: this.lat, lon: this.lon };
    const payload = buildAdvertPayload({
      identity: this.o.sim.identity,
      timestamp: this.rtc.now(),
      ...where,
      name: fitAdvertName(this.name, where),
    });
    this.transmit(floodIt ? ROUTE_FLOOD : ROUTE_DIRECT, PAYLOAD_ADVERT, payload);
    this.ok();
  }

  private channelSend(frame: Uint8Array): void {
    if (frame[1] !== 0) {
      this.err(ERR_UNSUPPORTED);
      return;
    } // only plain text
    const slot = this.o.sim.channelSlots[frame[2] ?? 255];
    if (!slot) {
      this.err(ERR_NOT_FOUND);
      return;
    }
    const text = new TextDecoder().decode(frame.subarray(7));
    const payload = buildGroupTextPayload({
      key: slot.key,
      timestamp: u32le(frame, 3),
      sender: this.name,
      text,
    });
    this.transmit(ROUTE_FLOOD, PAYLOAD_GRP_TXT, payload);
    this.ok();
  }

  private setRadio(frame: Uint8Array): void {
    const freq = u32le(frame, 1);
    const bw = u32le(frame, 5);
    const sf = frame[9] ?? 0;
    const cr = frame[10] ?? 0;
    const valid = freq >= 150_000 && freq <= 2_500_000 && bw >= 7000 && bw <= 500_000;
    if (!valid || sf < 5 || sf > 12 || cr < 5 || cr > 8) {
      this.err(ERR_ILLEGAL_ARG);
      return;
    }
    this.radio = { ...this.radio, freqKHz: freq, bwHz: bw, sf, cr };
    this.ok();
  }

  private channelInfo(idx: number): void {
    const slot = this.o.sim.channelSlots[idx];
    if (!slot) {
      this.err(ERR_NOT_FOUND);
      return;
    }
    const secret = new Uint8Array(16);
    secret.set(slot.key.subarray(0, 16));
    this.reply(Uint8Array.of(18, idx), fixed(slot.name, 32), secret);
  }

  private statsReply(frame: Uint8Array): void {
    const type = frame[1] ?? 255;
    const s = this.stats;
    const uptime = Math.floor((this.clock() - this.bootMs) / 1000);
    if (type === 0) {
      this.reply(Uint8Array.of(24, 0, 0x6a, 0x10), u32leBytes(uptime), Uint8Array.of(0, 0, 0));
      return;
    }
    if (type === 1) {
      const noise = new Uint8Array(2);
      new DataView(noise.buffer).setInt16(0, -118, true);
      const air = Math.floor(s.recv * 0.12);
      this.reply(
        Uint8Array.of(24, 1),
        noise,
        Uint8Array.of(int8(s.lastRssi), int8(s.lastSnr * 4)),
        u32leBytes(Math.floor(s.sent * 0.3)),
        u32leBytes(air),
      );
      return;
    }
    if (type === 2) {
      // The last is receive errors: the simulated radio has none.
      const vals = [s.recv, s.sent, s.floodTx, s.directTx, s.floodRx, s.directRx, 0];
      this.reply(Uint8Array.of(24, 2), ...vals.map(u32leBytes));
      return;
    }
    this.err(ERR_ILLEGAL_ARG);
  }

  private transmit(route: number, payloadType: number, payload: Uint8Array): void {
    const raw = encodePacket({ route, payloadType, hashSize: 1, hops: [], payload });
    this.rec.transmit(raw);
    this.stats.transmitted(route !== ROUTE_FLOOD);
    this.o.sim.transmit(raw);
  }

  private ok(): void {
    this.reply(Uint8Array.of(0));
  }

  private err(code: number): void {
    this.reply(Uint8Array.of(1, code));
  }

  private push(...parts: Uint8Array[]): void {
    this.reply(...parts);
  }

  private reply(...parts: Uint8Array[]): void {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(3 + n);
    out[0] = 0x3e;
    out[1] = n & 0xff;
    out[2] = n >> 8;
    let o = 3;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    this.o.out(out);
  }
}
