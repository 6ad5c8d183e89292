import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { applyDefaults } from "../../daemon/core/schema-type.ts";
import { DRIVER_KINDS } from "../../daemon/core/types.ts";
import { RADIO_SCHEMA } from "../../daemon/radio/config-schema.ts";
import { DRIVERS } from "../../daemon/radio/drivers.ts";
import type { SessionContext } from "../../daemon/radio/types.ts";
import { FIRMWARES } from "../../daemon/sim/firmware/serve.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

function context(driver: (typeof DRIVER_KINDS)[number], allowKeyExport: boolean): SessionContext {
  return {
    config: applyDefaults(RADIO_SCHEMA, {
      id: "r1",
      driver,
      serial: { path: "/dev/null" },
      allowKeyExport,
    }),
    log: silentLogger(),
    commandTimeoutMs: 1000,
    write: () => {},
    rx: () => {},
    identity: () => {},
    count: () => {},
    now: () => 0,
    gateway: { name: "gw" },
    trustedClock: () => null,
  };
}

/** Rows of the first table in docs/radios.md: driver kind -> the row's text. */
function docsRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of read("docs/radios.md").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const kind = /^`([a-z-]+)`$/.exec(cells[2] ?? "")?.[1];
    if (line.startsWith("|") && kind && !rows.has(kind)) rows.set(kind, line);
  }
  return rows;
}

describe("driver registry", () => {
  it("has one entry, one simulated firmware and one session of the same kind per driver", () => {
    expect(Object.keys(DRIVERS)).toEqual([...DRIVER_KINDS]);
    expect(Object.keys(FIRMWARES)).toEqual([...DRIVER_KINDS]);
    for (const kind of DRIVER_KINDS) {
      const withKey = DRIVERS[kind].create(context(kind, true));
      expect(withKey.kind).toBe(kind);
      // keyExport says whether the session can sign once the config allows it.
      expect(withKey.sign !== undefined).toBe(DRIVERS[kind].capabilities.keyExport);
      expect(DRIVERS[kind].create(context(kind, false)).sign).toBeUndefined();
    }
  });

  it("is what the config schema's driver enum lists", () => {
    const schema = JSON.parse(read("schema/config.schema.json"));
    expect(schema.properties.radios.items.properties.driver.enum).toEqual([...DRIVER_KINDS]);
  });

  it("is the driver table in docs/radios.md, capabilities included", () => {
    const rows = docsRows();
    expect([...rows.keys()]).toEqual([...DRIVER_KINDS]);
    for (const kind of DRIVER_KINDS) {
      const row = rows.get(kind) ?? "";
      const caps = DRIVERS[kind].capabilities;
      expect(row).toContain(DRIVERS[kind].firmware);
      expect(row.includes("no channel messages")).toBe(!caps.channelMessages);
      expect(row.includes("any raw packet")).toBe(caps.rawPackets);
    }
    const list = DRIVER_KINDS.map((k) => `\`${k}\``);
    const driverKey = `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
    expect(read("docs/radios.md")).toContain(`| \`driver\` | (required) | ${driverKey} |`);
  });
});
