/** The x-restart marks in the config schema are the one source of "needs a restart". */
import { describe, expect, it } from "vitest";
import { needsRestart, restartPaths } from "../../daemon/config/restart.ts";
import { CONFIG_SCHEMA } from "../../daemon/config/schema.ts";

describe("needsRestart", () => {
  it("follows the schema's marks into sections and array items", () => {
    expect(needsRestart(["radios"])).toBe(true);
    expect(needsRestart(["radios", 0, "serial", "path"])).toBe(true);
    expect(needsRestart(["http", "port"])).toBe(true);
    expect(needsRestart(["log", "format"])).toBe(true);
    expect(needsRestart(["log", "level"])).toBe(false);
    expect(needsRestart(["gateway", "name"])).toBe(false);
    expect(needsRestart(["channels"])).toBe(false);
    expect(needsRestart(["mqtt", "brokers"])).toBe(false);
    // Mesh tuning rebuilds the model live; only the scheduler's slice waits.
    expect(needsRestart(["mesh", "maxNodes"])).toBe(false);
    expect(needsRestart(["mesh", "health", "repeater", "silentAfterSec"])).toBe(false);
    expect(needsRestart(["mesh", "sliceMs"])).toBe(true);
  });

  it("lists the marked paths, and ajv accepts the keyword (the schema compiled)", () => {
    expect(restartPaths().sort()).toEqual([
      "http",
      "log.format",
      "mesh.sliceMs",
      "radios",
      "simulator",
      "store",
    ]);
    const marked = JSON.stringify(CONFIG_SCHEMA).match(/"x-restart":true/g) ?? [];
    expect(marked.length).toBe(6);
  });
});
