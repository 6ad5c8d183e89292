/**
 * KISS modem session: every packet in (paired with its RxMeta), raw packets
 * out (with TxDone), radio settings pushed on every connect because the modem
 * does not persist them. Protocol: examples/kiss_modem/KissModem.cpp.
 */

import { ByteReader, toHex } from "../../core/bytes.ts";
import type { RadioParams, RadioStats } from "../../core/types.ts";
import { cleanText } from "../bytes.ts";
import { afterIdle } from "../idle.ts";
import { type MatchResult, RadioCommandError, RequestQueue } from "../requests.ts";
import type { ChannelRef, DriverSession, SessionContext } from "../types.ts";
import * as K from "./codec.ts";
import { encodeKissFrame, KissDeframer, type KissFrame } from "./frames.ts";
import {
  advertPacket,
  advertToSign,
  channelTextPacket,
  MAX_CHANNEL_TEXT_BYTES,
} from "./packets.ts";

/** How long a data frame waits for its RxMeta before going out without SNR/RSSI. */
export const META_WAIT_MS = 150;
/** TX covers CSMA waits plus up to ~2 s of airtime at SF12. */
const TX_TIMEOUT_MS = 15_000;

const reply =
  <T>(code: number, parse: (d: Uint8Array) => T | null) =>
  (d: Uint8Array): MatchResult<T> => {
    const e = K.hwError(d);
    if (e !== null) return { err: e };
    if (d[0] !== code) return undefined;
    const v = parse(d);
    return v === null ? { err: `malformed reply 0x${code.toString(16)}` } : { ok: v };
  };

export class KissSession implements DriverSession {
  readonly kind = "kiss" as const;
  private readonly deframer = new KissDeframer();
  private readonly q = new RequestQueue();
  private held: { raw: Uint8Array; cancel: () => void } | null = null;
  private publicKey: Uint8Array | null = null;
  private stats: RadioStats = {
    noiseFloorDbm: null,
    txAirSecs: null,
    rxAirSecs: null,
    batteryMv: null,
    uptimeSecs: null,
    recvErrors: null,
    queueLen: null,
  };
  /** Airtime (ms) per packet length, from the modem's own estimate. */
  private readonly airtime = new Map<number, number>();
  /** Received lengths not yet turned into airtime. */
  private readonly unaccounted = new Map<number, number>();
  private rxAirMs = 0;
  private txAirMs = 0;
  readonly sign?: (msg: Uint8Array) => Promise<Uint8Array>;

  constructor(private readonly ctx: SessionContext) {
    if (ctx.config.allowKeyExport) this.sign = (m) => this.signOnModem(m);
  }

  private hwCmd<T>(
    label: string,
    sub: number,
    data: Uint8Array | undefined,
    match: (d: Uint8Array) => MatchResult<T>,
    timeoutMs = this.ctx.commandTimeoutMs,
  ): Promise<T> {
    const frame = encodeKissFrame(K.KISS_SET_HARDWARE, K.hw(sub, data));
    return this.q.request(label, () => this.ctx.write(frame), match, timeoutMs);
  }

  onBytes(chunk: Uint8Array): void {
    for (const f of this.deframer.push(chunk)) this.onFrame(f);
  }

  private onFrame(f: KissFrame): void {
    if (f.command === K.KISS_DATA) {
      this.onData(f.data);
      return;
    }
    if (f.command !== K.KISS_SET_HARDWARE || f.data.length === 0) {
      this.ctx.count("unexpectedFrames");
      return;
    }
    const sub = f.data[0]!;
    if (sub === K.HW_RX_META) {
      const meta = K.parseRxMeta(f.data);
      const held = this.held;
      if (!held || !meta) {
        this.ctx.count("orphanMeta");
        return;
      }
      held.cancel();
      this.held = null;
      this.deliver(held.raw, meta.snr, meta.rssi);
      return;
    }
    if (!this.q.offer(f.data)) this.ctx.count("unexpectedReplies");
  }

  private onData(raw: Uint8Array): void {
    if (raw.length < 2 || raw.length > K.MAX_RAW_PACKET) {
      this.ctx.count("badFrames");
      return;
    }
    // A data frame without its RxMeta (SignalReport off, or meta lost) still counts.
    this.flushHeld();
    const copy = raw.slice();
    this.held = { raw: copy, cancel: afterIdle(META_WAIT_MS, () => this.flushHeld()) };
  }

  private flushHeld(): void {
    const held = this.held;
    if (!held) return;
    held.cancel();
    this.held = null;
    this.ctx.count("rxWithoutMeta");
    this.deliver(held.raw, null, null);
  }

  private deliver(raw: Uint8Array, snr: number | null, rssi: number | null): void {
    this.unaccounted.set(raw.length, (this.unaccounted.get(raw.length) ?? 0) + 1);
    this.ctx.rx(raw, snr, rssi);
  }

  async handshake(): Promise<void> {
    const pub = await this.hwCmd(
      "GetIdentity",
      K.HW.GET_IDENTITY,
      undefined,
      reply(K.hwResp(K.HW.GET_IDENTITY), (d) => (d.length >= 33 ? d.slice(1, 33) : null)),
    );
    this.publicKey = pub;
    const version = await this.hwCmd(
      "GetVersion",
      K.HW.GET_VERSION,
      undefined,
      reply(K.hwResp(K.HW.GET_VERSION), (d) => d[1] ?? null),
    ).catch(() => null);
    const name = await this.hwCmd(
      "GetDeviceName",
      K.HW.GET_DEVICE_NAME,
      undefined,
      reply(K.hwResp(K.HW.GET_DEVICE_NAME), (d) => d.slice(1)),
    ).catch(() => null);
    const p = this.ctx.config.params;
    if (p) await this.pushParams(p);
    else
      this.ctx.log.warn("kiss radio has no params in the config; the modem keeps whatever it had", {
        radio: this.ctx.config.id,
      });
    const params = await this.hwCmd(
      "GetRadio",
      K.HW.GET_RADIO,
      undefined,
      reply(K.hwResp(K.HW.GET_RADIO), (d) => ({ v: K.parseRadio(d) })),
    );
    this.ctx.identity({
      publicKey: toHex(pub, true),
      model: name ? cleanText(name, 40) : null,
      firmware: version === null ? "kiss" : `kiss v${version}`,
      params: params.v ? { ...params.v, txPowerDbm: p?.txPowerDbm } : null,
    });
    await this.poll();
  }

  private async pushParams(p: RadioParams): Promise<void> {
    await this.hwCmd(
      "SetRadio",
      K.HW.SET_RADIO,
      K.setRadioData(p),
      reply(K.HW_OK, () => true),
    );
    if (p.txPowerDbm !== undefined) {
      await this.hwCmd(
        "SetTxPower",
        K.HW.SET_TX_POWER,
        new Uint8Array([p.txPowerDbm & 0xff]),
        reply(K.HW_OK, () => true),
      );
    }
    this.airtime.clear();
  }

  async poll(): Promise<void> {
    const noise = await this.hwCmd(
      "GetNoiseFloor",
      K.HW.GET_NOISE_FLOOR,
      undefined,
      reply(K.hwResp(K.HW.GET_NOISE_FLOOR), (d) => new ByteReader(d, 1).i16()),
    );
    const st = await this.hwCmd(
      "GetStats",
      K.HW.GET_STATS,
      undefined,
      reply(K.hwResp(K.HW.GET_STATS), K.parseStats),
    ).catch(() => null);
    const batt = await this.hwCmd(
      "GetBattery",
      K.HW.GET_BATTERY,
      undefined,
      reply(K.hwResp(K.HW.GET_BATTERY), (d) => new ByteReader(d, 1).u16()),
    ).catch(() => null);
    // Turn the lengths heard since the last poll into airtime, a few lookups at a time.
    let lookups = 0;
    for (const [len, n] of [...this.unaccounted]) {
      let ms = this.airtime.get(len);
      if (ms === undefined) {
        if (lookups++ >= 8) continue;
        ms = await this.airtimeFor(len);
      }
      this.rxAirMs += ms * n;
      this.unaccounted.delete(len);
    }
    this.stats = {
      ...this.stats,
      noiseFloorDbm: noise,
      recvErrors: st?.errors ?? this.stats.recvErrors,
      batteryMv: batt ?? this.stats.batteryMv,
      rxAirSecs: Math.floor(this.rxAirMs / 1000),
      txAirSecs: Math.floor(this.txAirMs / 1000),
    };
    this.ctx.identity({ stats: this.stats });
  }

  private async airtimeFor(len: number): Promise<number> {
    const ms = await this.hwCmd(
      "GetAirtime",
      K.HW.GET_AIRTIME,
      new Uint8Array([len]),
      reply(K.hwResp(K.HW.GET_AIRTIME), (d) => new ByteReader(d, 1).u32()),
    );
    this.airtime.set(len, ms);
    return ms;
  }

  /** Transmit one raw packet; resolves on TxDone(success). */
  async sendRaw(packet: Uint8Array): Promise<void> {
    if (packet.length < 2 || packet.length > K.MAX_RAW_PACKET) {
      throw new RadioCommandError("E_RADIO_ARG", `packet of ${packet.length} bytes`);
    }
    const frame = encodeKissFrame(K.KISS_DATA, packet);
    const okSent = await this.q.request(
      "TX",
      () => this.ctx.write(frame),
      reply(K.HW_TX_DONE, (d) => (d[1] === undefined ? null : d[1] === 1)),
      Math.max(TX_TIMEOUT_MS, this.ctx.commandTimeoutMs),
    );
    if (!okSent) throw new RadioCommandError("E_RADIO_TX", "modem reported TX failed");
    this.ctx.count("tx");
    this.txAirMs += await this.airtimeFor(packet.length).catch(() => 0);
  }

  async sendAdvert(flood: boolean): Promise<void> {
    const pub = this.publicKey;
    if (!pub) throw new RadioCommandError("E_RADIO_DOWN", "modem identity unknown");
    const ts = Math.floor((this.ctx.trustedClock() ?? this.ctx.now()) / 1000);
    const { signed, appData } = advertToSign(pub, ts, this.ctx.gateway);
    const sig = await this.signOnModem(signed);
    await this.sendRaw(advertPacket(pub, ts, sig, appData, flood));
  }

  async sendChannelMessage(channel: ChannelRef, text: string): Promise<void> {
    if (new TextEncoder().encode(text).length > MAX_CHANNEL_TEXT_BYTES) {
      throw new RadioCommandError(
        "E_RADIO_ARG",
        `text too long (max ${MAX_CHANNEL_TEXT_BYTES} bytes)`,
      );
    }
    const ts = Math.floor((this.ctx.trustedClock() ?? this.ctx.now()) / 1000);
    await this.sendRaw(channelTextPacket(channel.key, ts, this.ctx.gateway.name, text));
  }

  async setParams(p: RadioParams): Promise<void> {
    await this.pushParams(p);
    this.ctx.identity({ params: p });
  }

  private signOnModem(msg: Uint8Array): Promise<Uint8Array> {
    if (msg.length > 500)
      return Promise.reject(new RadioCommandError("E_RADIO_ARG", "too long to sign"));
    return this.hwCmd(
      "Sign",
      K.HW.SIGN,
      msg,
      reply(K.hwResp(K.HW.SIGN), (d) => (d.length >= 65 ? d.slice(1, 65) : null)),
    );
  }

  framingCounters(): Record<string, number> {
    const c = this.deframer.counters;
    return {
      frames: c.frames,
      badFrames: c.badFrames,
      resyncBytes: c.resyncBytes,
      timeouts: this.q.timeouts,
    };
  }

  close(err: Error): void {
    this.flushHeld();
    this.q.close(err);
  }
}
