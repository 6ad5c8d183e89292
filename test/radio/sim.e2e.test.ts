/**
 * End to end against the simulated firmwares (daemon/sim/firmware, written
 * separately from the protocol facts): meshgate's drivers on one end of a
 * real pty or TCP link, the simulator's radio on the other.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RxPacket } from "../../daemon/core/types.ts";
import { type RadioConfig, RadioManager } from "../../daemon/radio/index.ts";
import { FirmwareServer } from "../../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../../daemon/sim/simulator.ts";
import { tempDir } from "../support/paths.ts";
import { ptyPair } from "../support/pty.ts";
import { advertSigned } from "../support/sim/packets.ts";
import { until } from "../support/wait.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PARAMS = { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 };

function simulator(seed: number) {
  return new MeshSimulator({
    seed,
    nodes: 20,
    centre: { lat: 52.37, lon: 4.9 },
    radiusKm: 8,
    packetsPerSec: 30,
    channels: [{ name: "#test" }],
  });
}

async function run(driver: RadioConfig["driver"], transport: "pty" | "tcp", seed: number) {
  const sim = simulator(seed);
  let target: Pick<RadioConfig, "serial" | "tcp">;
  let server: FirmwareServer;
  if (transport === "pty") {
    const pair = await ptyPair(tempDir());
    cleanups.push(() => pair.kill());
    server = new FirmwareServer({ firmware: driver, sim, pty: pair.peer });
    target = { serial: { path: pair.device } };
  } else {
    server = new FirmwareServer({ firmware: driver, sim, tcpPort: 0 });
  }
  await server.start();
  cleanups.push(() => server.stop());
  if (transport === "tcp") target = { tcp: { host: "127.0.0.1", port: server.tcpPort()! } };
  const bus = new Bus();
  const rx: RxPacket[] = [];
  bus.on("rx", (p) => rx.push(p));
  const mgr = new RadioManager({
    radios: [{ id: `sim-${driver}`, driver, ...target!, params: PARAMS, commandTimeoutMs: 2000 }],
    bus,
    log: silentLogger(),
    clockSynced: () => true,
    gateway: { name: "E2E GW" },
  });
  cleanups.push(() => mgr.stop());
  await mgr.start();
  await until(() => mgr.list()[0]?.state === "up", 15_000, `${driver} up`);
  await until(() => rx.length >= 15, 15_000, "packets from the simulated mesh");
  return { sim, server, mgr, rx, link: mgr.get(`sim-${driver}`)! };
}

const hostNow = () => Math.floor(Date.now() / 1000);

describe("drivers against the simulated firmwares", () => {
  it.each(["pty", "tcp"] as const)(
    "companion over %s: handshake, clock, packets with SNR/RSSI, transmit",
    async (t) => {
      const { sim, server, mgr, rx, link } = await run("companion", t, 31);
      const names = server.record().commands.map((c) => c.name);
      expect(names.slice(0, 2)).toEqual(["DEVICE_QUERY", "APP_START"]);
      // The simulated RTC boots in 2024: meshgate set it from the host.
      expect(server.record().timeSet.length).toBeGreaterThan(0);
      expect(Math.abs(server.record().timeSet[0]! - hostNow())).toBeLessThan(30);
      const st = mgr.list()[0]!;
      expect(st.publicKey).toBe(sim.gateway.publicKey.toUpperCase());
      expect(st.clockSkewSec).toBe(0);
      expect(
        rx.every((p) => p.snr !== null && p.rssi !== null && p.radioId === "sim-companion"),
      ).toBe(true);
      const before = server.record().transmits.length;
      await link.sendAdvert(true);
      await link.sendChannelMessage(
        { index: 1, name: "#test", key: new Uint8Array(16) },
        "hello from e2e",
      );
      expect(server.record().transmits.length).toBe(before + 2);
      expect(server.record().transmits.at(-2)!.raw[0]).toBe(0x11); // flood advert
    },
  );

  it("kiss over pty: settings pushed, packets paired with RxMeta, modem-signed adverts verify", async () => {
    const { sim, server, mgr, rx, link } = await run("kiss", "pty", 32);
    const names = server.record().commands.map((c) => c.name);
    expect(names).toContain("SetRadio");
    expect(mgr.list()[0]!.params).toMatchObject(PARAMS);
    expect(mgr.list()[0]!.publicKey).toBe(sim.gateway.publicKey.toUpperCase());
    const withMeta = rx.filter((p) => p.snr !== null && p.rssi !== null);
    expect(withMeta.length).toBe(rx.length);
    await link.sendAdvert(false);
    const adv = server.record().transmits.at(-1)!.raw;
    expect(adv[0]).toBe(0x12); // zero-hop advert
    const payload = adv.subarray(2);
    expect(advertSigned(payload)).toBe(true);
    expect(new TextDecoder().decode(payload.subarray(101))).toBe("E2E GW");
  });

  it("repeater-log over pty: identity and clock through the CLI, packets from RAW + RX lines", async () => {
    const { sim, server, mgr, rx } = await run("repeater-log", "pty", 33);
    const st = mgr.list()[0]!;
    expect(st.name).toBe(sim.gateway.name);
    expect(st.publicKey).toBe(sim.gateway.publicKey.toUpperCase());
    expect(st.firmware).toMatch(/^v1\.17/);
    expect(server.record().timeSet.length).toBeGreaterThan(0);
    expect(st.stats?.noiseFloorDbm).toBe(-118);
    // The firmware logs an RX line only for packets it could parse: most carry SNR/RSSI.
    expect(rx.filter((p) => p.snr !== null).length).toBeGreaterThan(rx.length / 2);
  });

  it("runs two simulated radios of different firmware in one daemon", async () => {
    const simA = simulator(41);
    const simB = simulator(42);
    const pair = await ptyPair(tempDir());
    cleanups.push(() => pair.kill());
    const a = new FirmwareServer({ firmware: "companion", sim: simA, pty: pair.peer });
    const b = new FirmwareServer({ firmware: "kiss", sim: simB, tcpPort: 0 });
    await a.start();
    await b.start();
    cleanups.push(() => a.stop());
    cleanups.push(() => b.stop());
    const bus = new Bus();
    const rx: RxPacket[] = [];
    bus.on("rx", (p) => rx.push(p));
    const mgr = new RadioManager({
      radios: [
        { id: "one", driver: "companion", serial: { path: pair.device } },
        {
          id: "two",
          driver: "kiss",
          tcp: { host: "127.0.0.1", port: b.tcpPort()! },
          params: PARAMS,
        },
      ],
      bus,
      log: silentLogger(),
      clockSynced: () => true,
    });
    cleanups.push(() => mgr.stop());
    await mgr.start();
    await until(() => mgr.list().every((s) => s.state === "up"), 15_000, "both up");
    await until(
      () => rx.some((p) => p.radioId === "one") && rx.some((p) => p.radioId === "two"),
      15_000,
      "packets from both",
    );
    const [one, two] = mgr.list();
    expect(one!.publicKey).toBe(simA.gateway.publicKey.toUpperCase());
    expect(two!.publicKey).toBe(simB.gateway.publicKey.toUpperCase());
    expect(one!.publicKey).not.toBe(two!.publicKey);
  });
});
