import { describe, expect, it } from "vitest";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { firmwareOverPty } from "../support/sim/firmware.ts";
import { waitFor } from "../support/sim/pty.ts";

const RAW_LINE = /^(\d{2}):(\d{2}):(\d{2}) - (\d{1,2})\/(\d{1,2})\/(\d{4}) U RAW: ([0-9A-F]+)$/;
const RX_LINE =
  /^\d{2}:\d{2}:\d{2} - \d{1,2}\/\d{1,2}\/\d{4} U: RX, len=(\d+) \(type=(\d+), route=([FD]), payload_len=(\d+)\) SNR=(-?\d+) RSSI=(-?\d+) score=(\d+)( time=(\d+) hash=([0-9A-F]{16}))?( \[[0-9A-F]{2} -> [0-9A-F]{2}\])?$/;

describe("repeater with packet logging over a real pty", () => {
  const fw = firmwareOverPty(
    "repeater-log",
    {
      seed: 4,
      nodes: 25,
      centre: { lat: 40.71, lon: -74.0 },
      radiusKm: 8,
      packetsPerSec: 60,
      channels: [],
    },
    { bootEpochSec: 1_704_067_200 },
  );

  async function cli(cmd: string): Promise<string> {
    fw.host.clear();
    fw.host.write(`${cmd}\r\n`);
    const line = await waitFor(
      () =>
        fw.host
          .text()
          .split("\r\n")
          .find((l) => l.startsWith("  -> ")),
      `reply to ${cmd}`,
    );
    return line.slice(5);
  }

  it("prints RAW and RX lines with CRLF, matching hashes, some without time/hash", async () => {
    fw.host.clear();
    const lines = await waitFor(
      () => {
        const l = fw.host.text().split("\r\n");
        return l.filter((x) => RX_LINE.test(x)).length >= 60 ? l : null;
      },
      "60 RX lines",
      20_000,
    );
    let lastRaw: Uint8Array | null = null;
    let withHash = 0;
    let withoutHash = 0;
    for (const line of lines) {
      const raw = RAW_LINE.exec(line);
      if (raw) {
        lastRaw = Uint8Array.from(Buffer.from(raw[7] as string, "hex"));
        expect(raw[6]).toBe("2024"); // the unset RTC
        continue;
      }
      const rx = RX_LINE.exec(line);
      if (!rx || !lastRaw) continue;
      expect(Number(rx[1])).toBe(lastRaw.length);
      expect(Number(rx[2])).toBe(((lastRaw[0] ?? 0) >> 2) & 0x0f);
      if (rx[10]) {
        withHash++;
        expect(rx[10].toLowerCase()).toBe(packetHash(lastRaw));
      } else withoutHash++;
    }
    expect(withHash).toBeGreaterThan(0);
    expect(withoutHash).toBeGreaterThan(0);
  });

  it("echoes typed commands and answers the CLI", async () => {
    fw.host.clear();
    fw.host.write("get name\r\n");
    await waitFor(() => fw.host.text().includes("get name\r\n"), "echo");
    expect(await cli("get name")).toBe(`> ${fw.sim.gateway.name}`);
    expect(await cli("get public.key")).toBe(`> ${fw.sim.gateway.publicKey}`);
    expect(await cli("get radio")).toBe("> 910.525,62.5,7,5");
    expect(await cli("ver")).toMatch(/^v1\.\d+\.\d+ \(Build: .+\)$/);
    expect(await cli("board")).toBe("Heltec V3");
    expect(await cli("frobnicate")).toBe("Unknown command");
  });

  it("sets the clock forward only and records it", async () => {
    expect(await cli("time 1000")).toBe("(ERR: clock cannot go backwards)");
    expect(await cli("time 1767225600")).toBe("OK - clock set: 00:00 - 1/1/2026 UTC");
    expect(fw.server.record().timeSet).toEqual([1767225600]);
    fw.host.clear();
    await waitFor(
      () =>
        RAW_LINE.exec(
          fw.host
            .text()
            .split("\r\n")
            .find((l) => RAW_LINE.test(l)) ?? "",
        )?.[6] === "2026",
      "a 2026 log line",
    );
  });

  it("answers stats-core, stats-radio and stats-packets with JSON", async () => {
    const core = JSON.parse(await cli("stats-core"));
    expect(Object.keys(core)).toEqual(["battery_mv", "uptime_secs", "errors", "queue_len"]);
    const radio = JSON.parse(await cli("stats-radio"));
    expect(Object.keys(radio)).toEqual([
      "noise_floor",
      "last_rssi",
      "last_snr",
      "tx_air_secs",
      "rx_air_secs",
    ]);
    const packets = JSON.parse(await cli("stats-packets"));
    expect(packets.recv).toBeGreaterThan(0);
    expect(fw.server.record().commands.map((c) => c.name)).toContain("stats-packets");
  });
});
