/**
 * A scripted repeater console (MESH_PACKET_LOGGING=1), from the firmware's
 * print formats: RAW/RX/TX log lines, CLI echo and "  -> " replies.
 */
import type { PeerPipe } from "../pty.ts";

export const REPEATER_KEY = "9F".repeat(32);

export class ReplogPeer {
  readonly commands: string[] = [];
  clock = 1_700_000_000;
  mute = false;
  statsSupported = true;
  private line = "";

  constructor(readonly pipe: PeerPipe) {
    pipe.onData((b) => this.onBytes(b));
  }

  print(s: string): void {
    this.pipe.write(new TextEncoder().encode(s));
  }

  stamp(): string {
    const d = new Date(this.clock * 1000);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} - ${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} U`;
  }

  /** What the firmware prints for one received packet. */
  logRx(
    raw: Uint8Array,
    snr: number,
    rssi: number,
    opts: { rxLine?: boolean; old?: boolean } = {},
  ): void {
    const hex = Buffer.from(raw).toString("hex").toUpperCase();
    this.print(`${this.stamp()} RAW: ${hex}\r\n`);
    if (opts.rxLine === false) return;
    const type = (raw[0]! >> 2) & 0xf;
    const tail = opts.old ? "" : ` time=123 hash=0123456789ABCDEF`;
    this.print(
      `${this.stamp()}: RX, len=${raw.length} (type=${type}, route=F, payload_len=${raw.length - 2}) SNR=${snr} RSSI=${rssi} score=1000${tail}\r\n`,
    );
  }

  private onBytes(b: Uint8Array): void {
    for (const ch of new TextDecoder().decode(b)) {
      if (ch === "\n") continue;
      this.line += ch;
      if (!this.mute) this.print(ch); // the console echoes what it reads
      if (ch === "\r") {
        const cmd = this.line.slice(0, -1);
        this.line = "";
        this.print("\n");
        this.commands.push(cmd);
        if (!this.mute) {
          const r = this.reply(cmd);
          if (r) this.print(`  -> ${r}\r\n`);
        }
      }
    }
  }

  private reply(cmd: string): string {
    if (cmd === "ver") return "v1.17.1-abc123 (Build: 12-Jan-2026)";
    if (cmd === "board") return "Heltec V3";
    if (cmd === "get name") return "> Hilltop RPT";
    if (cmd === "get public.key") return `> ${REPEATER_KEY}`;
    if (cmd === "get radio") return "> 869.618,62.5,8,8";
    if (cmd === "clock") {
      const d = new Date(this.clock * 1000);
      return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} - ${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} UTC`;
    }
    if (cmd.startsWith("time ")) {
      const t = Number(cmd.slice(5));
      if (!(t > this.clock)) return "(ERR: clock cannot go backwards)";
      this.clock = t;
      return "OK - clock set: whatever";
    }
    if (cmd === "advert") return "OK - Advert sent";
    if (cmd === "advert.zerohop") return "OK - zerohop advert sent";
    if (cmd.startsWith("set radio ") || cmd.startsWith("set tx ")) return "OK - reboot to apply";
    if (!this.statsSupported) return "Unknown command";
    if (cmd === "stats-core")
      return '{"battery_mv":4100,"uptime_secs":86400,"errors":0,"queue_len":1}';
    if (cmd === "stats-radio")
      return '{"noise_floor":-117,"last_rssi":-90,"last_snr":7.25,"tx_air_secs":30,"rx_air_secs":400}';
    if (cmd === "stats-packets")
      return '{"recv":10,"sent":3,"flood_tx":1,"direct_tx":2,"flood_rx":5,"direct_rx":5,"recv_errors":9}';
    return "Unknown command";
  }
}
