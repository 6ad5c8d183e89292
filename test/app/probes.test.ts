/**
 * The settings pages' tests of a radio and a broker, against a simulated
 * companion firmware on a real pty and a real mosquitto.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBroker, testRadio } from "../../daemon/app/probes.ts";
import { FirmwareServer } from "../../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../../daemon/sim/simulator.ts";
import { freePort, MOSQUITTO, Mosquitto } from "../support/mosquitto.ts";
import { simMesh } from "../support/sim/mesh.ts";
import { type PtyPair, ptyPair } from "../support/sim/pty.ts";

describe("testRadio", { timeout: 30_000 }, () => {
  let pty: PtyPair;
  let firmware: FirmwareServer;
  beforeAll(async () => {
    pty = await ptyPair();
    const sim = new MeshSimulator(simMesh({ seed: 3, nodes: 4, packetsPerSec: 0.5 }));
    firmware = new FirmwareServer({ firmware: "companion", sim, pty: pty.device });
    await firmware.start();
  });
  afterAll(async () => {
    await firmware.stop();
    await pty.close();
  });

  it("reports firmware, name and frequency of a radio that answers", async () => {
    const r = await testRadio({ driver: "companion", path: pty.host }, [], []);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.verdict)).toEqual(["warn", "ok"]); // warn: not a by-id path
    expect(r.checks[0]?.fix).toMatch(/by-id/);
    expect(r.radio?.publicKey).toMatch(/^[0-9A-F]{64}$/);
    expect(r.radio?.params?.freqMHz).toBeGreaterThan(100);
  });

  it("names the failure and its fix for a missing port and for the wrong firmware", async () => {
    const missing = await testRadio({ driver: "companion", path: "/dev/ttyNOPE9" }, [], []);
    expect(missing.ok).toBe(false);
    expect(missing.checks[0]).toMatchObject({
      verdict: "fail",
      detail: "/dev/ttyNOPE9 does not exist",
    });
    expect(missing.checks[0]?.fix).toMatch(/plug the radio in/);
    const wrong = await testRadio({ driver: "repeater-log", path: pty.host }, [], [], 2500);
    expect(wrong.ok).toBe(false);
    expect(wrong.checks[1]).toMatchObject({ verdict: "fail" });
    expect(wrong.checks[1]?.fix).toMatch(/repeater-log firmware/);
  });

  it("answers from the live link for a port the daemon already holds", async () => {
    const r = await testRadio(
      { driver: "companion", path: "/dev/serial/by-id/usb-x" },
      [
        {
          id: "main",
          driver: "companion",
          state: "up",
          since: 0,
          lastError: null,
          publicKey: "AB",
          name: "hill",
          params: null,
          model: null,
          firmware: "v1.9",
          clockSkewSec: null,
          stats: null,
          counters: {},
        },
      ],
      [
        {
          id: "main",
          driver: "companion",
          serial: { path: "/dev/serial/by-id/usb-x", baud: 115200 },
          silentTimeoutSec: 0,
          commandTimeoutMs: 0,
          setClock: false,
          allowKeyExport: false,
        },
      ],
    );
    expect(r.ok).toBe(true);
    expect(r.checks[0]?.detail).toMatch(/in use by radio main/);
    expect(r.radio?.name).toBe("hill");
  });
});

describe.skipIf(!MOSQUITTO)("testBroker", { timeout: 30_000 }, () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await Mosquitto.create();
    await mosq.start();
  });
  afterAll(() => mosq.stop());

  it("connects and gets the test message acknowledged", async () => {
    const r = await testBroker({ url: mosq.url }, "gw");
    expect(r).toMatchObject({ ok: true, step: "done" });
  });

  it("says which step failed and how to fix it", async () => {
    const closed = await testBroker({ url: `mqtt://127.0.0.1:${await freePort()}` }, "gw", 2000);
    expect(closed).toMatchObject({ ok: false, step: "connect" });
    expect(closed.fix).toMatch(/broker is running/);
    expect((await testBroker({ url: "http://x" }, "gw")).detail).toMatch(/unsupported scheme/);
  });
});
