/**
 * Settings that apply live really do, end to end: the daemon from source with
 * a companion radio (the simulated firmware on a real pty pair), a PATCH of
 * the gateway's name and position reaches the radio (SET_ADVERT_NAME,
 * SET_ADVERT_LATLON) and the radio list without a restart; a setting marked
 * x-restart is saved and reported as waiting for a restart. (The log level's
 * live effect is checked in test/app/live.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RadioStatus } from "../../daemon/core/types.ts";
import { FirmwareServer } from "../../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../../daemon/sim/simulator.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { type PtyPair, ptyPair } from "../support/sim/pty.ts";
import { waitFor } from "../support/web/supervised.ts";

const TOKEN = "live-settings-token-0123456789";

describe("live settings over PATCH /api/config (real daemon, companion on a pty)", () => {
  let pty: PtyPair;
  let firmware: FirmwareServer;
  let daemon: RunningDaemon;
  const radios = async () =>
    (await (await fetch(`${daemon.url}/api/radios`)).json()) as { items: RadioStatus[] };

  beforeAll(async () => {
    pty = await ptyPair();
    const sim = new MeshSimulator({
      seed: 3,
      nodes: 4,
      centre: { lat: 51.5, lon: -0.12 },
      radiusKm: 3,
      packetsPerSec: 0.5,
      channels: [],
    });
    firmware = new FirmwareServer({ firmware: "companion", sim, pty: pty.device });
    await firmware.start();
    daemon = await startDaemon({
      yaml: [
        "# the operator's comment stays",
        "gateway:",
        "  name: Before",
        "http:",
        `  token: ${TOKEN}`,
        "radios:",
        "  - id: c1",
        "    driver: companion",
        "    serial:",
        `      path: ${pty.host}`,
        "simulator:",
        "  enabled: false",
        "",
      ].join("\n"),
      timeoutMs: 60_000,
    });
    await waitFor("the radio to come up", async () => (await radios()).items[0]?.state === "up");
  }, 90_000);

  afterAll(async () => {
    await daemon?.stop();
    await firmware?.stop();
    await pty?.close();
  });

  it("applies gateway name/position and log level live, and holds back a restart setting", async () => {
    const res = await fetch(`${daemon.url}/api/config`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        gateway: { name: "After <b>", lat: 51.25, lon: -0.5 },
        log: { level: "debug" },
        store: { maxAgeDays: 10 },
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { applied: string[]; restartRequired: string[] };
    expect([...body.applied].sort()).toEqual([
      "gateway.lat",
      "gateway.lon",
      "gateway.name",
      "log.level",
    ]);
    expect(body.restartRequired).toEqual(["store.maxAgeDays"]);

    // The radio was told, without a restart: name, then position in millionths.
    const hex = (s: string) => Buffer.from(s).toString("hex");
    const sent = firmware.record().commands.map((c) => c.data);
    expect(sent).toContain(`08${hex("After <b>")}`);
    const pos = Buffer.alloc(9);
    pos.writeUInt8(14, 0);
    pos.writeInt32LE(51_250_000, 1);
    pos.writeInt32LE(-500_000, 5);
    expect(sent).toContain(pos.toString("hex"));
    expect((await radios()).items[0]?.name).toBe("After <b>");
  }, 60_000);
});
