/** Which live targets a settings change reaches. */
import { describe, expect, it } from "vitest";
import { liveApplier } from "../../daemon/app/live.ts";
import type { Config } from "../../daemon/config/types.ts";
import { collectingLogger } from "../support/log.ts";

function setup() {
  const { log, lines } = collectingLogger();
  const calls: string[] = [];
  const apply = liveApplier({
    log,
    reconfigureChannels: () => calls.push("channels"),
    setGateway: async () => {
      calls.push("gateway");
    },
    restartMqtt: async () => {
      calls.push("mqtt");
    },
    reconfigureMesh: () => calls.push("mesh"),
  });
  const next = { log: { level: "debug" } } as unknown as Config;
  return { log, lines, calls, apply, next };
}

describe("liveApplier", () => {
  it("sets the log level on the root logger, which its children share", async () => {
    const { log, apply, next, calls } = setup();
    const child = log.child("radio");
    expect(child.enabled("debug")).toBe(false);
    await apply(next, next, [["log", "level"]]);
    expect(child.enabled("debug")).toBe(true);
    expect(calls).toEqual([]);
  });

  it("rebuilds channels for channels/regions, tells radios of the gateway, rebuilds the uplink, once each", async () => {
    const { apply, next, calls } = setup();
    await apply(next, next, [
      ["channels"],
      ["regions"],
      ["gateway", "name"],
      ["gateway", "lat"],
      ["mqtt", "brokers"],
    ]);
    expect(calls).toEqual(["channels", "gateway", "mqtt"]);
  });

  it("a mesh tuning change rebuilds the mesh model and nothing else", async () => {
    const { apply, next, calls } = setup();
    await apply(next, next, [
      ["mesh", "maxNodes"],
      ["mesh", "health", "repeater", "silentAfterSec"],
    ]);
    expect(calls).toEqual(["mesh"]);
  });

  it("a broker change alone leaves the radios alone", async () => {
    const { apply, next, calls } = setup();
    await apply(next, next, [["mqtt", "brokers"]]);
    expect(calls).toEqual(["mqtt"]);
  });
});
