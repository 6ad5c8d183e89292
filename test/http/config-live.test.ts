/**
 * Settings that apply live really do, end to end: the daemon from source with
 * a companion radio (the simulated firmware, over TCP; the same driver over a
 * pty is in test/radio/companion.pty.test.ts), a PATCH of the gateway's name
 * and position reaches the radio (SET_ADVERT_NAME, SET_ADVERT_LATLON) and the
 * radio list without a restart; a setting marked x-restart is saved and
 * reported as waiting for a restart. (The log level's live effect is checked
 * in test/app/live.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RadioStatus } from "../../daemon/core/types.ts";
import { type RealDaemon, startRealDaemon } from "../support/web/daemon.ts";
import { waitFor } from "../support/web/supervised.ts";

describe("live settings over PATCH /api/config (real daemon, companion radio)", () => {
  let daemon: RealDaemon;
  const radios = async () =>
    (await (await fetch(`${daemon.url}/api/radios`)).json()) as { items: RadioStatus[] };

  beforeAll(async () => {
    daemon = await startRealDaemon();
    await waitFor("the radio to come up", async () => (await radios()).items[0]?.state === "up");
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it("applies gateway name/position and log level live, and holds back a restart setting", async () => {
    const res = await fetch(`${daemon.url}/api/config`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${daemon.token}`, "content-type": "application/json" },
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
    const sent = daemon.firmware.record().commands.map((c) => c.data);
    expect(sent).toContain(`08${hex("After <b>")}`);
    const pos = Buffer.alloc(9);
    pos.writeUInt8(14, 0);
    pos.writeInt32LE(51_250_000, 1);
    pos.writeInt32LE(-500_000, 5);
    expect(sent).toContain(pos.toString("hex"));
    expect((await radios()).items[0]?.name).toBe("After <b>");
  }, 60_000);
});
