/**
 * Repeater console session: packets from RAW lines (SNR/RSSI from the RX
 * line that follows), identity and stats through the text CLI.
 * CLI: src/helpers/CommonCLI.cpp; logging: src/Dispatcher.cpp.
 */
import type { RadioParams, RadioStats } from "../../core/types.ts";
import { decideClock } from "../clock.ts";
import { afterIdle } from "../idle.ts";
import { type MatchResult, RadioCommandError, RequestQueue } from "../requests.ts";
import { type ChannelRef, type DriverSession, EMPTY_STATS, type SessionContext } from "../types.ts";
import {
  LineSplitter,
  parseClockReply,
  parseConsoleLine,
  parseJsonReply,
  parseRadioReply,
} from "./lines.ts";

/** How long a RAW line waits for its RX line before going out without SNR/RSSI. */
export const RX_LINE_WAIT_MS = 150;

const text = (f: Uint8Array): string => new TextDecoder().decode(f);
const anyReply = (f: Uint8Array): MatchResult<string> => ({ ok: text(f) });
const numOrNull = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : null;

export class RepeaterLogSession implements DriverSession {
  readonly kind = "repeater-log" as const;
  private readonly lines = new LineSplitter();
  private readonly q = new RequestQueue();
  private held: { raw: Uint8Array; cancel: () => void } | null = null;
  private stats: RadioStats = EMPTY_STATS;
  private statsSupported = true;
  private badLines = 0;

  constructor(private readonly ctx: SessionContext) {}

  /** Send one CLI line; resolves with the text of its "  -> " reply. */
  private cli(line: string, timeoutMs = this.ctx.commandTimeoutMs): Promise<string> {
    const bytes = new TextEncoder().encode(`${line}\r\n`);
    return this.q.request(
      `cli "${line.split(" ")[0]}"`,
      () => this.ctx.write(bytes),
      anyReply,
      timeoutMs,
    );
  }

  onBytes(chunk: Uint8Array): void {
    for (const line of this.lines.push(chunk)) {
      const l = parseConsoleLine(line);
      switch (l.kind) {
        case "raw":
          this.flushHeld();
          this.held = { raw: l.raw, cancel: afterIdle(RX_LINE_WAIT_MS, () => this.flushHeld()) };
          break;
        case "rx": {
          const held = this.held;
          if (!held) {
            this.ctx.count("rxLineWithoutRaw");
            break;
          }
          held.cancel();
          this.held = null;
          // The RX line describes the RAW before it only when the lengths agree.
          if (l.len !== null && l.len !== held.raw.length) {
            this.ctx.count("rxLineMismatch");
            this.deliver(held.raw, null, null);
          } else this.deliver(held.raw, l.snr, l.rssi);
          break;
        }
        case "tx":
          this.ctx.count("txLogged");
          break;
        case "reply":
          if (!this.q.offer(new TextEncoder().encode(l.text))) this.ctx.count("unexpectedReplies");
          break;
        case "bad":
          this.badLines++;
          break;
        case "other":
          break;
      }
    }
  }

  private flushHeld(): void {
    const held = this.held;
    if (!held) return;
    held.cancel();
    this.held = null;
    this.deliver(held.raw, null, null);
  }

  private deliver(raw: Uint8Array, snr: number | null, rssi: number | null): void {
    if (snr === null) this.ctx.count("rxWithoutMeta");
    this.ctx.rx(raw, snr, rssi);
  }

  async handshake(): Promise<void> {
    const strip = (s: string) => s.replace(/^>\s*/, "").trim().slice(0, 64);
    const ver = await this.cli("ver");
    const board = await this.cli("board");
    const name = await this.cli("get name");
    const pub = await this.cli("get public.key");
    const radio = await this.cli("get radio");
    const key = strip(pub);
    this.ctx.identity({
      firmware: ver.trim().slice(0, 64),
      model: board.trim().slice(0, 40),
      name: strip(name),
      publicKey: /^[0-9A-Fa-f]{64}$/.test(key) ? key.toUpperCase() : null,
      params: parseRadioReply(radio),
    });
    await this.syncClock();
    await this.poll();
  }

  private async syncClock(): Promise<void> {
    const reading = parseClockReply(await this.cli("clock"));
    const host = this.ctx.trustedClock();
    if (reading === null || host === null) return;
    // The console shows minutes only: the radio is somewhere in [reading, reading + 59].
    const d = decideClock(reading + 59, host, this.ctx.config.setClock);
    if (d.action === "set") {
      const r = await this.cli(`time ${d.to}`);
      if (!r.startsWith("OK"))
        throw new RadioCommandError("E_RADIO_REFUSED", `time: ${r.slice(0, 80)}`);
      this.ctx.identity({ clockSkewSec: 0 });
      return;
    }
    if (d.action === "ahead") {
      this.ctx.log.warn("repeater clock is ahead of the host; not stepping it back", {
        skewSec: d.skewSec,
      });
    }
    this.ctx.identity({ clockSkewSec: reading - Math.floor(host / 1000) });
  }

  async poll(): Promise<void> {
    if (!this.statsSupported) {
      await this.cli("clock");
      return;
    }
    const core = parseJsonReply(await this.cli("stats-core"));
    if (!core) {
      // Builds before the stats commands answer "Unknown command".
      this.statsSupported = false;
      return;
    }
    const radio = parseJsonReply(await this.cli("stats-radio")) ?? {};
    const packets = parseJsonReply(await this.cli("stats-packets")) ?? {};
    this.stats = {
      batteryMv: numOrNull(core.battery_mv),
      uptimeSecs: numOrNull(core.uptime_secs),
      queueLen: numOrNull(core.queue_len),
      noiseFloorDbm: numOrNull(radio.noise_floor),
      txAirSecs: numOrNull(radio.tx_air_secs),
      rxAirSecs: numOrNull(radio.rx_air_secs),
      recvErrors: numOrNull(packets.recv_errors),
    };
    this.ctx.identity({ stats: this.stats });
  }

  async sendAdvert(flood: boolean): Promise<void> {
    const r = await this.cli(flood ? "advert" : "advert.zerohop");
    if (!r.startsWith("OK"))
      throw new RadioCommandError("E_RADIO_REFUSED", `advert: ${r.slice(0, 80)}`);
    this.ctx.count("tx");
  }

  sendChannelMessage(_channel: ChannelRef, _text: string): Promise<void> {
    return Promise.reject(
      new RadioCommandError(
        "E_RADIO_UNSUPPORTED",
        "repeater firmware cannot send channel messages",
      ),
    );
  }

  /** `set radio` is saved by the repeater and applies after its next reboot. */
  async setParams(p: RadioParams): Promise<void> {
    const r = await this.cli(`set radio ${p.freqMHz},${p.bwKHz},${p.sf},${p.cr}`);
    if (!r.startsWith("OK"))
      throw new RadioCommandError("E_RADIO_REFUSED", `set radio: ${r.slice(0, 80)}`);
    if (p.txPowerDbm !== undefined) {
      const t = await this.cli(`set tx ${p.txPowerDbm}`);
      if (!t.startsWith("OK"))
        throw new RadioCommandError("E_RADIO_REFUSED", `set tx: ${t.slice(0, 80)}`);
    }
    this.ctx.identity({ params: p });
  }

  framingCounters(): Record<string, number> {
    return {
      lines: this.lines.counters.lines,
      badFrames: this.lines.counters.overlongLines + this.badLines,
      timeouts: this.q.timeouts,
    };
  }

  close(err: Error): void {
    this.flushHeld();
    this.q.close(err);
  }
}
