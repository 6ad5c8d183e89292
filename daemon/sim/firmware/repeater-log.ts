/**
 * A repeater built with MESH_PACKET_LOGGING=1 on its USB console
 * (src/Dispatcher.cpp, examples/simple_repeater/MyMesh.cpp logRxRaw,
 * src/helpers/CommonCLI.cpp): a RAW line and an RX line per packet, TX lines
 * when it repeats, boot and debug chatter, and a CLI that echoes what is
 * typed and answers `  -> reply`. Lines end CRLF.
 */

import { hexByte, toHex } from "../../core/bytes.ts";
import type { RxPacket } from "../../core/types.ts";
import { ROUTE_DIRECT } from "../../protocol/constants.ts";
import { expandSeed } from "../../protocol/crypto.ts";
import { frameLayout, packetHash } from "../../protocol/hash.ts";
import { airtimeMs } from "../radio.ts";
import {
  FirmwareBase,
  type FirmwareDevice,
  type FirmwareOptions,
  PacketCounters,
} from "./device.ts";

/** The serial CLI buffer (examples/simple_repeater/main.cpp command[160]). */
const MAX_LINE = 159;

const CHATTER = [
  "DEBUG: Dispatcher::checkRecv(): rx, len=0, CRC error",
  "RadioLibWrapper: noise_floor = -118",
  "DEBUG: MyMesh::onAdvertRecv: neighbour table updated",
  "WARN: duty cycle 12%",
  "Repeater ID: (see get public.key)",
  "\u0000\u00ff garbage from a brown-out",
];

function pad2(n: number): string {
  return n.toString().padStart(2, "0");
}

/** `HH:MM:SS - D/M/YYYY U` (getLogDateTime). */
export function logDateTime(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} - ${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} U`;
}

function trimFloat(v: number, digits: number): string {
  return v.toFixed(digits).replace(/\.?0+$/, "");
}

export class RepeaterLogFirmware extends FirmwareBase implements FirmwareDevice {
  readonly kind = "repeater-log" as const;
  private line: number[] = [];
  private readonly radio = { freq: 910.525, bw: 62.5, sf: 7, cr: 5 };
  private readonly stats = new PacketCounters();
  private readonly air = { rxMs: 0, txMs: 0 };

  constructor(o: FirmwareOptions) {
    super(o);
  }

  /** Boot banner, as printed when the console opens after a reset. */
  banner(): void {
    this.print("");
    this.print(`Repeater ID: ${this.o.sim.gateway.publicKey}`);
  }

  input(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === 0x0a) continue; // the firmware drops LF and acts on CR
      this.o.out(Uint8Array.of(b)); // echo, as Serial.print(c)
      if (b === 0x0d || this.line.length >= MAX_LINE) {
        if (b === 0x0d) this.out("\n");
        else this.line.push(b);
        const cmd = Buffer.from(this.line).toString("utf8");
        this.line = [];
        this.command(cmd);
      } else {
        this.line.push(b);
      }
    }
  }

  heard(rx: RxPacket): void {
    const f = frameLayout(rx.raw);
    this.stats.received(rx);
    const air = Math.round(airtimeMs(rx.raw.length));
    this.air.rxMs += air;
    if (this.rng.chance(0.03)) this.print(this.rng.pick(CHATTER));
    const when = logDateTime(this.rtc.now());
    this.print(`${when} RAW: ${toHex(rx.raw, true)}`);
    // Only packets the firmware parses get an RX line.
    if (!f) return;
    if (f.version !== 0) return;
    const direct = f.route === ROUTE_DIRECT || f.route === 3;
    this.stats.routed(direct);
    const payloadLen = rx.raw.length - f.payloadOffset;
    const score = Math.max(0, Math.min(1000, Math.round(((rx.snr ?? 0) + 10) * 50)));
    let rxLine = `${when}: RX, len=${rx.raw.length} (type=${f.payloadType}, route=${direct ? "D" : "F"}, payload_len=${payloadLen}) SNR=${Math.trunc(rx.snr ?? 0)} RSSI=${Math.trunc(rx.rssi ?? 0)} score=${score}`;
    // One line in ten looks like an older build without time= and hash=.
    if (!this.rng.chance(0.1))
      rxLine += ` time=${air} hash=${(packetHash(rx.raw) ?? "").toUpperCase()}`;
    const payload = rx.raw.subarray(f.payloadOffset);
    if (f.payloadType <= 2 || f.payloadType === 8) {
      rxLine += ` [${hexByte(payload[1] ?? 0).toUpperCase()} -> ${hexByte(payload[0] ?? 0).toUpperCase()}]`;
    }
    this.print(rxLine);
    // A repeater forwards most floods it hears: log the TX of the relayed copy.
    if (!direct && this.rng.chance(0.5)) {
      const len = rx.raw.length + f.hashSize;
      this.stats.transmitted(false);
      this.air.txMs += Math.round(airtimeMs(len));
      this.print(
        `${when}: TX, len=${len} (type=${f.payloadType}, route=F, payload_len=${payloadLen})`,
      );
    }
  }

  close(): void {}

  private command(raw: string): void {
    const cmd = raw.trim();
    if (cmd === "") return;
    this.rec.command(cmd.split(" ").slice(0, 2).join(" "), cmd);
    this.print(`  -> ${this.answer(cmd)}`);
  }

  private answer(cmd: string): string {
    const g = this.o.sim.gateway;
    if (cmd === "get name") return `> ${g.name}`;
    if (cmd === "get public.key") return `> ${g.publicKey}`;
    if (cmd === "get prv.key") {
      return `> ${toHex(expandSeed(this.o.sim.identity.seed), true)}`;
    }
    if (cmd === "get radio") {
      const r = this.radio;
      return `> ${trimFloat(r.freq, 3)},${trimFloat(r.bw, 3)},${r.sf},${r.cr}`;
    }
    if (cmd === "get role") return "> repeater";
    if (cmd.startsWith("ver")) return "v1.17.1 (Build: 19-Nov-2026)";
    if (cmd.startsWith("board")) return "Heltec V3";
    if (cmd.startsWith("clock")) return `${clockText(this.rtc.now())}`;
    if (cmd.startsWith("time ")) {
      const secs = Number.parseInt(cmd.slice(5), 10) >>> 0;
      if (secs > this.rtc.now()) {
        this.rtc.set(secs);
        this.rec.timeSet(secs);
        return `OK - clock set: ${clockText(secs)}`;
      }
      return "(ERR: clock cannot go backwards)";
    }
    const s = this.stats;
    if (cmd === "stats-core") {
      const up = Math.floor((this.clock() - this.bootMs) / 1000);
      return JSON.stringify({ battery_mv: 4202, uptime_secs: up, errors: 0, queue_len: 0 });
    }
    if (cmd === "stats-radio") {
      return `{"noise_floor":-118,"last_rssi":${Math.trunc(s.lastRssi)},"last_snr":${s.lastSnr.toFixed(2)},"tx_air_secs":${Math.floor(this.air.txMs / 1000)},"rx_air_secs":${Math.floor(this.air.rxMs / 1000)}}`;
    }
    if (cmd === "stats-packets") {
      return JSON.stringify({
        recv: s.recv,
        sent: s.sent,
        flood_tx: s.floodTx,
        direct_tx: s.directTx,
        flood_rx: s.floodRx,
        direct_rx: s.directRx,
        recv_errors: 0,
      });
    }
    return "Unknown command";
  }

  private print(line: string): void {
    this.out(`${line}\r\n`);
  }

  private out(text: string): void {
    this.o.out(Buffer.from(text, "utf8"));
  }
}

/** `HH:MM - D/M/YYYY UTC` (CommonCLI clock reply). */
function clockText(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} - ${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} UTC`;
}
