/**
 * Companion radio firmware session: handshake, LOG_RX_DATA pushes, message
 * queue drain, stats, transmit. Protocol: examples/companion_radio/MyMesh.cpp.
 */
import { errorMessage } from "../../core/errors.ts";
import type { RadioParams, RadioStats } from "../../core/types.ts";
import { decideClock } from "../clock.ts";
import { afterIdle } from "../idle.ts";
import { framingCounters, type MatchResult, RadioCommandError, RequestQueue } from "../requests.ts";
import type { ChannelRef, DriverSession, GatewayIdentity, SessionContext } from "../types.ts";
import * as C from "./codec.ts";
import { CompanionDeframer, encodeCompanionFrame } from "./frames.ts";

/** The firmware's channel text limit (MAX_TEXT_LEN in MyMesh.h is 10 cipher blocks). */
export const MAX_CHANNEL_TEXT_BYTES = 160;
/** MAX_SIGN_DATA_LEN in MyMesh.cpp is 8 KB; SIGN_DATA chunks must fit a frame. */
const SIGN_CHUNK = 128;

const expect =
  <T>(code: number, parse: (f: Uint8Array) => T | null) =>
  (f: Uint8Array): MatchResult<T> => {
    if (f[0] === undefined || f[0] >= 0x80) return undefined; // a push, not a reply
    const e = C.replyError(f);
    if (e !== null) return { err: e };
    if (f[0] !== code) return undefined;
    const v = parse(f);
    return v === null ? { err: `malformed reply ${code}` } : { ok: v };
  };
/** A whole max-size frame at the configured baud rate, times three, at least 250 ms. */
function stallMsFor(ctx: SessionContext): number {
  const baud = ctx.config.serial?.baud ?? 115200;
  return Math.max(250, Math.ceil(((3 * 10 * 258) / baud) * 1000));
}

const ok = expect(C.RESP.OK, () => true);

export class CompanionSession implements DriverSession {
  readonly kind = "companion" as const;
  private readonly deframer: CompanionDeframer;
  private readonly q = new RequestQueue();
  private stats: RadioStats = C.EMPTY_STATS;
  private statsSupported = true;
  private draining = false;
  private maxChannels = 8;
  private cancelStall: (() => void) | null = null;
  readonly sign?: (msg: Uint8Array) => Promise<Uint8Array>;

  constructor(private readonly ctx: SessionContext) {
    this.deframer = new CompanionDeframer({ accept: C.plausibleFrame });
    if (ctx.config.allowKeyExport) this.sign = (m) => this.signOnRadio(m);
  }

  private cmd<T>(
    label: string,
    payload: Uint8Array,
    match: (f: Uint8Array) => MatchResult<T>,
  ): Promise<T> {
    return this.q.request(
      label,
      () => this.ctx.write(encodeCompanionFrame(payload)),
      match,
      this.ctx.commandTimeoutMs,
    );
  }

  onBytes(chunk: Uint8Array): void {
    this.cancelStall?.();
    this.cancelStall = null;
    for (const f of this.deframer.push(chunk)) this.onFrame(f);
    if (this.deframer.pending > 0) {
      this.cancelStall = afterIdle(stallMsFor(this.ctx), () => {
        this.cancelStall = null;
        for (const f of this.deframer.dropPartial()) this.onFrame(f);
      });
    }
  }

  private onFrame(f: Uint8Array): void {
    const code = f[0]!;
    if (code >= 0x80) this.onPush(f);
    else if (!this.q.offer(f)) this.ctx.count("unexpectedReplies");
  }

  private onPush(f: Uint8Array): void {
    if (f[0] === C.PUSH.LOG_RX_DATA) {
      const p = C.parseLogRx(f);
      if (p) this.ctx.rx(p.raw, p.snr, p.rssi);
      else this.ctx.count("badFrames");
    } else if (f[0] === C.PUSH.MSG_WAITING) {
      void this.drainMessages();
    } else {
      this.ctx.count("pushes");
    }
  }

  /** MSG_WAITING: fetch queued messages so the radio's offline queue never fills. */
  private async drainMessages(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < 256; i++) {
        const code = await this.cmd("SYNC_NEXT_MESSAGE", C.cmdSyncNext(), (f) => {
          if (f[0] === undefined || f[0] >= 0x80) return undefined;
          const e = C.replyError(f);
          return e === null ? { ok: f[0] } : { err: e };
        });
        if (code === C.RESP.NO_MORE_MESSAGES) break;
        this.ctx.count("messagesSynced");
      }
    } catch (err) {
      this.ctx.log.debug("message sync stopped", { error: errorMessage(err) });
    } finally {
      this.draining = false;
    }
  }

  async handshake(): Promise<void> {
    // Very old builds refuse DEVICE_QUERY; they still speak APP_START.
    const info = await this.cmd(
      "DEVICE_QUERY",
      C.cmdDeviceQuery(),
      expect(C.RESP.DEVICE_INFO, C.parseDeviceInfo),
    ).catch((err: unknown) => {
      if (err instanceof RadioCommandError && err.code === "E_RADIO_REFUSED") return null;
      throw err;
    });
    this.maxChannels = info?.maxChannels ?? this.maxChannels;
    const self = await this.cmd(
      "APP_START",
      C.cmdAppStart("meshgate"),
      expect(C.RESP.SELF_INFO, C.parseSelfInfo),
    );
    this.ctx.identity({
      publicKey: self.publicKey,
      name: self.name,
      lat: self.lat,
      lon: self.lon,
      params: self.params,
      model: info?.model ?? null,
      firmware: info ? (info.version ?? `code ${info.firmwareCode}`) : null,
    });
    await this.syncClock();
    await this.poll();
    // Messages may have queued while nobody was connected.
    void this.drainMessages();
  }

  private async syncClock(): Promise<void> {
    const radioSec = await this.cmd(
      "GET_DEVICE_TIME",
      C.cmdGetTime(),
      expect(C.RESP.CURR_TIME, C.parseCurrTime),
    );
    const host = this.ctx.trustedClock();
    if (host === null) return;
    const d = decideClock(radioSec, host, this.ctx.config.setClock);
    if (d.action === "set") {
      await this.cmd("SET_DEVICE_TIME", C.cmdSetTime(d.to), ok);
      this.ctx.log.info("radio clock set", { radio: this.ctx.config.id, wasSkewSec: d.skewSec });
      this.ctx.identity({ clockSkewSec: 0 });
      return;
    }
    if (d.action === "ahead") {
      this.ctx.log.warn("radio clock is ahead of the host; not stepping it back", {
        radio: this.ctx.config.id,
        skewSec: d.skewSec,
      });
    }
    this.ctx.identity({ clockSkewSec: d.skewSec });
  }

  async poll(): Promise<void> {
    if (!this.statsSupported) {
      // Older firmware without GET_STATS: the clock read keeps the link busy enough.
      await this.cmd("GET_DEVICE_TIME", C.cmdGetTime(), expect(C.RESP.CURR_TIME, C.parseCurrTime));
      return;
    }
    for (const sub of [C.STATS_CORE, C.STATS_RADIO, C.STATS_PACKETS]) {
      try {
        const f = await this.cmd(
          `GET_STATS ${sub}`,
          C.cmdGetStats(sub),
          (r): MatchResult<Uint8Array> => {
            if (r[0] === C.RESP.STATS && r[1] === sub) return { ok: r };
            const e = r[0] !== undefined && r[0] < 0x80 ? C.replyError(r) : null;
            return e === null ? undefined : { err: e };
          },
        );
        this.stats = C.mergeStats(this.stats, f) ?? this.stats;
      } catch (err) {
        if (err instanceof RadioCommandError && err.code === "E_RADIO_REFUSED") {
          this.statsSupported = false;
          return;
        }
        throw err;
      }
    }
    this.ctx.identity({ stats: this.stats });
  }

  async sendAdvert(flood: boolean): Promise<void> {
    await this.cmd("SEND_SELF_ADVERT", C.cmdSelfAdvert(flood), ok);
    this.ctx.count("tx");
  }

  async sendChannelMessage(channel: ChannelRef, text: string): Promise<void> {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > MAX_CHANNEL_TEXT_BYTES) {
      throw new RadioCommandError(
        "E_RADIO_ARG",
        `text is ${bytes.length} bytes, max ${MAX_CHANNEL_TEXT_BYTES}`,
      );
    }
    const idx = channel.index ?? (await this.findChannel(channel));
    const ts = Math.floor((this.ctx.trustedClock() ?? this.ctx.now()) / 1000);
    await this.cmd("SEND_CHANNEL_TXT_MSG", C.cmdChannelText(idx, ts, bytes), ok);
    this.ctx.count("tx");
  }

  /** The radio sends only on channels it has; find the slot holding this key. */
  private async findChannel(channel: ChannelRef): Promise<number> {
    const want = Buffer.from(channel.key.subarray(0, 16));
    for (let i = 0; i < Math.min(this.maxChannels, 64); i++) {
      const info = await this.cmd(
        "GET_CHANNEL",
        C.cmdGetChannel(i),
        expect(C.RESP.CHANNEL_INFO, C.parseChannelInfo),
      ).catch(() => null);
      if (info?.secret && want.equals(Buffer.from(info.secret))) return info.idx;
    }
    throw new RadioCommandError(
      "E_RADIO_ARG",
      `channel ${channel.name} is not configured on the radio`,
    );
  }

  /** The gateway's name and position become the radio's own (its adverts carry them). */
  readonly setIdentity = async (g: GatewayIdentity): Promise<void> => {
    await this.cmd("SET_ADVERT_NAME", C.cmdSetAdvertName(g.name), ok);
    await this.cmd("SET_ADVERT_LATLON", C.cmdSetAdvertLatLon(g.lat ?? null, g.lon ?? null), ok);
    this.ctx.identity({ name: g.name });
  };

  async setParams(p: RadioParams): Promise<void> {
    await this.cmd("SET_RADIO_PARAMS", C.cmdSetRadioParams(p), ok);
    if (p.txPowerDbm !== undefined)
      await this.cmd("SET_RADIO_TX_POWER", C.cmdSetTxPower(p.txPowerDbm), ok);
    this.ctx.identity({ params: p });
  }

  /** SIGN_START / SIGN_DATA* / SIGN_FINISH: the radio signs with its own key. */
  private async signOnRadio(msg: Uint8Array): Promise<Uint8Array> {
    await this.cmd(
      "SIGN_START",
      new Uint8Array([C.CMD.SIGN_START]),
      expect(C.RESP.SIGN_START, () => true),
    );
    for (let o = 0; o < msg.length; o += SIGN_CHUNK) {
      const part = msg.subarray(o, o + SIGN_CHUNK);
      const frame = new Uint8Array(1 + part.length);
      frame[0] = C.CMD.SIGN_DATA;
      frame.set(part, 1);
      await this.cmd("SIGN_DATA", frame, ok);
    }
    return this.cmd(
      "SIGN_FINISH",
      new Uint8Array([C.CMD.SIGN_FINISH]),
      expect(C.RESP.SIGNATURE, (f) => (f.length >= 65 ? f.slice(1, 65) : null)),
    );
  }

  framingCounters(): Record<string, number> {
    return framingCounters(this.deframer.counters, this.q);
  }

  close(err: Error): void {
    this.cancelStall?.();
    this.q.close(err);
  }
}
