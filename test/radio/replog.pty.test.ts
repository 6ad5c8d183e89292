/**
 * The repeater-log driver through a real pty against a scripted repeater
 * console: RAW + RX pairing, CLI identity and stats, clock, transmit.
 */
import { describe, expect, it } from "vitest";
import type { RadioConfig } from "../../daemon/radio/index.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { REPEATER_KEY, ReplogPeer } from "../support/radio/replog-peer.ts";
import { peerOverPty, radioManager, startUp } from "../support/radio/rig.ts";
import { until } from "../support/wait.ts";

const cleanups = cleanupsAfterEach();

async function setup(radio: Partial<RadioConfig> = {}, before?: (p: ReplogPeer) => void) {
  const { pair, pipe } = await peerOverPty(cleanups);
  const peer = new ReplogPeer(pipe);
  before?.(peer);
  const { mgr, rx } = radioManager(cleanups, {
    radios: [
      {
        id: "r",
        driver: "repeater-log",
        serial: { path: pair.device },
        commandTimeoutMs: 800,
        ...radio,
      },
    ],
  });
  await startUp(mgr, "repeater up");
  return { peer, mgr, rx };
}

const ADVERT = Buffer.from(
  "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172",
  "hex",
);

describe("repeater-log driver over a pty", () => {
  it("reads identity, radio and stats through the CLI and sets a clock that is behind", async () => {
    const { peer, mgr } = await setup();
    expect(peer.commands.slice(0, 6)).toEqual([
      "ver",
      "board",
      "get name",
      "get public.key",
      "get radio",
      "clock",
    ]);
    const timeCmd = peer.commands.find((c) => c.startsWith("time "))!;
    expect(Math.abs(Number(timeCmd.slice(5)) - Date.now() / 1000)).toBeLessThan(30);
    const st = mgr.list()[0]!;
    expect(st).toMatchObject({
      name: "Hilltop RPT",
      publicKey: REPEATER_KEY,
      model: "Heltec V3",
      firmware: "v1.17.1-abc123 (Build: 12-Jan-2026)",
      params: { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 },
      clockSkewSec: 0,
    });
    expect(st.stats).toEqual({
      batteryMv: 4100,
      uptimeSecs: 86400,
      queueLen: 1,
      noiseFloorDbm: -117,
      txAirSecs: 30,
      rxAirSecs: 400,
      recvErrors: 9,
    });
  });

  it("leaves a clock that is ahead alone and reports the skew", async () => {
    const ahead = Math.floor(Date.now() / 1000) + 7200;
    const { peer, mgr } = await setup({}, (p) => {
      p.clock = ahead;
    });
    expect(peer.commands.some((c) => c.startsWith("time "))).toBe(false);
    const skew = mgr.list()[0]!.clockSkewSec!;
    expect(skew).toBeGreaterThan(7100);
    expect(skew).toBeLessThan(7300);
  });

  it("pairs RAW lines with the RX line after them, tolerating old and partial formats", async () => {
    const { peer, rx } = await setup();
    peer.logRx(ADVERT, 7, -98);
    peer.logRx(
      Uint8Array.of(0x0d, 0x04, 0xb8, 0x91, 0x64, 0x7e, 0xbb, 0x40, 0xba, 0x70),
      -12,
      -118,
      { old: true },
    );
    peer.print("some other console output\r\n");
    peer.logRx(Uint8Array.of(0x15, 0x00, 0x01, 0x02), 0, 0, { rxLine: false }); // unparsed: RAW only
    peer.print(`${peer.stamp()}: TX, len=20 (type=4, route=F, payload_len=18)\r\n`);
    await until(() => rx.length === 3, 5000, "three packets");
    expect(Buffer.from(rx[0]!.raw).equals(ADVERT)).toBe(true);
    expect(rx.map((p) => [p.snr, p.rssi])).toEqual([
      [7, -98],
      [-12, -118],
      [null, null],
    ]);
    expect(rx.every((p) => p.radioId === "r")).toBe(true);
  });

  it("sends adverts and radio settings as CLI commands; has no channel send and no signer", async () => {
    const { peer, mgr } = await setup({ allowKeyExport: true });
    const link = mgr.get("r")!;
    await link.sendAdvert(true);
    await link.sendAdvert(false);
    await link.setParams({ freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 });
    expect(peer.commands).toContain("advert");
    expect(peer.commands).toContain("advert.zerohop");
    expect(peer.commands).toContain("set radio 910.525,62.5,7,5");
    await expect(
      link.sendChannelMessage({ name: "#x", key: new Uint8Array(16) }, "hi"),
    ).rejects.toThrow(/cannot send/);
    expect(link.signer()).toBeNull();
  });

  it("works with builds that have no stats commands", async () => {
    const { mgr } = await setup({}, (p) => {
      p.statsSupported = false;
    });
    expect(mgr.list()[0]!.state).toBe("up");
    expect(mgr.list()[0]!.stats).toBeNull();
  });
});
