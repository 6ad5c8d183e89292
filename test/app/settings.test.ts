import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Settings, SettingsError } from "../../daemon/app/settings.ts";
import { loadConfig } from "../../daemon/config/load.ts";
import type { Path } from "../../daemon/config/patch.ts";
import type { Config } from "../../daemon/config/types.ts";
import { silentLogger } from "../../daemon/core/log.ts";

const COMMENTED = `# Gateway on the hill. Ask Sam before changing the radio.
configVersion: 1

gateway:
  # shown on the map and in MQTT topics
  name: hill # short, no spaces
  iata: SFO   # region

# the LoRa board on the USB port
radios: []
#  - id: main   (kept for later)

channels:
  - name: '#test' # club channel
  # - name: '#old'

mqtt:
  brokers:
    - id: home # the house broker
      url: mqtt://alice:s3cret-pass@127.0.0.1:1883
      auth: { type: password, username: alice, password: hunter2-secret }

store:
  dataDir: DATA
http:
  token: null # claimed from the browser instead
`;

describe("Settings (PATCH /api/config behind the API)", () => {
  let dir: string;
  let file: string;
  let live: { paths: string[]; next: Config }[];
  let settings: Settings;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "meshgate-settings-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, COMMENTED.replace("DATA", join(dir, "data")));
    const { config } = loadConfig({ path: file, env: {} });
    live = [];
    settings = new Settings({
      source: file,
      env: {},
      overrides: [],
      initial: config,
      log: silentLogger(),
      applyLive: async (next, _prev, paths: readonly Path[]) => {
        live.push({ paths: paths.map((p) => p.join(".")), next });
      },
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const comments = (text: string) =>
    text
      .split("\n")
      .map((l) => l.slice(l.indexOf("#")).trim())
      .filter((l, i, all) => all[i] !== undefined && l.startsWith("#") && !l.startsWith("#test"));

  it("keeps every comment and the key order through a round trip", async () => {
    const before = readFileSync(file, "utf8");
    const r = await settings.patch({
      gateway: { name: "ridge", lat: 37.5, lon: -122.25 },
      channels: [{ name: "#test" }, { name: "#weather" }],
      log: { level: "debug" },
    });
    expect(r.applied).toEqual(
      expect.arrayContaining([
        "gateway.name",
        "gateway.lat",
        "gateway.lon",
        "channels",
        "log.level",
      ]),
    );
    expect(r.restartRequired).toEqual([]);
    const after = readFileSync(file, "utf8");
    for (const c of comments(before)) expect(after).toContain(c);
    expect(after.indexOf("gateway:")).toBeLessThan(after.indexOf("radios:"));
    expect(after).toContain("name: ridge # short, no spaces");
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(before);
    const reloaded = loadConfig({ path: file, env: {} }).config;
    expect(reloaded.gateway).toMatchObject({ name: "ridge", lat: 37.5, lon: -122.25, iata: "SFO" });
    expect(reloaded.channels.map((c) => c.name)).toEqual(["#test", "#weather"]);
    expect(live[0]?.paths).toEqual(expect.arrayContaining(["channels", "log.level"]));
  });

  it("lists every problem with its path and leaves the file alone", async () => {
    const before = readFileSync(file, "utf8");
    const err = await settings
      .patch({
        gateway: { lat: 95, name: 7 },
        log: { level: "loud" },
        radios: [{ id: "main", driver: "lora" }],
        nope: true,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    const paths = (err as SettingsError).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "gateway.lat",
        "gateway.name",
        "log.level",
        "radios[0].driver",
        "nope",
      ]),
    );
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(live).toEqual([]);
  });

  it("marks restart-only settings from the schema and keeps them pending", async () => {
    const r = await settings.patch({
      radios: [{ id: "main", driver: "companion", serial: { path: "/dev/ttyACM0" } }],
      http: { port: 8090 },
    });
    expect(r.applied).toEqual([]);
    expect([...r.restartRequired].sort()).toEqual(["http.port", "radios"]);
    expect(settings.pendingRestart().sort()).toEqual(["http.port", "radios"]);
    expect(settings.effective().radios).toEqual([]);
    expect(settings.current().radios[0]?.serial?.path).toBe("/dev/ttyACM0");
  });

  it("keeps secrets the client sent back masked, and never shows them", async () => {
    const masked = JSON.parse(JSON.stringify(settings.current().mqtt.brokers));
    masked[0].url = "mqtt://***@127.0.0.1:1883";
    masked[0].auth.password = "***";
    masked.push({ id: "second", url: "mqtt://127.0.0.1:1884" });
    await settings.patch({ mqtt: { brokers: masked } });
    const text = readFileSync(file, "utf8");
    expect(text).toContain("mqtt://alice:s3cret-pass@127.0.0.1:1883");
    expect(text).toContain("hunter2-secret");
    expect(text).toContain("# the house broker");
    const download = await settings.maskedFile();
    expect(download).not.toContain("s3cret-pass");
    expect(download).not.toContain("hunter2-secret");
    expect(download).toContain("# the house broker");
  });

  it("reports a bad file value even when a command-line override hides it", async () => {
    const { config } = loadConfig({ path: file, env: {} });
    const s = new Settings({
      source: file,
      env: {},
      overrides: [{ path: "http.port", value: "0", source: "--port" }],
      initial: config,
      log: silentLogger(),
      applyLive: async () => {},
    });
    const err = await s.patch({ http: { port: "eighty" } }).catch((e: unknown) => e);
    expect((err as SettingsError).problems.map((p) => p.path)).toEqual(["http.port"]);
  });

  it.skipIf(process.getuid?.() === 0)(
    "says how to fix a config folder it cannot write",
    async () => {
      chmodSync(dir, 0o500);
      try {
        expect(settings.writable()).toBe(false);
        const err = await settings.patch({ gateway: { name: "x" } }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "E_NOT_WRITABLE" });
        expect((err as Error).message).toMatch(/write access/);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );

  it("refuses a masked value where there is nothing to keep", async () => {
    const err = await settings.patch({ http: { token: "***" } }).catch((e: unknown) => e);
    expect((err as SettingsError).problems.map((p) => p.path)).toContain("http.token");
  });
});
