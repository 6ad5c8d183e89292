import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../daemon/config/load.ts";
import { ConfigError } from "../../daemon/core/errors.ts";
import { tempDir } from "../support/paths.ts";

function writeYaml(text: string): string {
  const p = join(tempDir(), "meshgate.yaml");
  writeFileSync(p, text);
  return p;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs on built-in defaults with no file: simulator on, port 8080", () => {
    const { config, source } = loadConfig({ searchPaths: [], env: {} });
    expect(source).toBeNull();
    expect(config.http.port).toBe(8080);
    expect(config.http.host).toBe("0.0.0.0");
    expect(config.simulator.enabled).toBe("auto");
    expect(config.radios).toEqual([]);
    expect(config.store.fsyncIntervalMs).toBe(1000);
    expect(config.configVersion).toBe(1);
  });

  it("reports every error with its path, not just the first", () => {
    const path = writeYaml(`
http:
  port: "abc"
  colour: blue
radios:
  - id: r1
    driver: kiss
    serial: { path: /dev/ttyUSB0, baud: 1.5 }
  - id: r1
    driver: lora
    serial: { path: /dev/ttyUSB1 }
  - id: r3
    driver: companion
store:
  maxDbMB: -1
`);
    const problems = problemsOf(() => loadConfig({ path, env: {} }));
    expect(problems).toContain("http.port: must be integer");
    expect(problems).toContain("http.colour: unknown setting");
    expect(problems).toContain("radios[0].serial.baud: must be integer");
    expect(problems).toContain(
      'radios[1].driver: must be one of "companion", "kiss", "repeater-log"',
    );
    expect(problems).toContain('radios[1].id: duplicate of radios[0].id "r1"');
    expect(problems).toContain("radios[2]: needs exactly one of serial or tcp");
    expect(problems).toContain("store.maxDbMB: must be >= 1");
  });

  it("reports YAML syntax errors with line and column", () => {
    const path = writeYaml("http:\n  port: 8080\n   bad: [\n");
    const problems = problemsOf(() => loadConfig({ path, env: {} }));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/meshgate\.yaml:\d+:\d+: /);
  });

  it("refuses a top level that is not a mapping", () => {
    const path = writeYaml("- a\n- b\n");
    expect(() => loadConfig({ path, env: {} })).toThrow(/top level must be a mapping/);
  });

  it("refuses a file written for a newer layout", () => {
    const path = writeYaml("configVersion: 9\n");
    const problems = problemsOf(() => loadConfig({ path, env: {} }));
    expect(problems.join("\n")).toMatch(
      /configVersion: the file is for a newer meshgate \(layout 9\)/,
    );
  });

  it("finds the file via MESHGATE_CONFIG, and --config wins over it", () => {
    const a = writeYaml("gateway: { name: from-env }\n");
    const b = writeYaml("gateway: { name: from-flag }\n");
    expect(loadConfig({ env: { MESHGATE_CONFIG: a } }).config.gateway.name).toBe("from-env");
    expect(loadConfig({ path: b, env: { MESHGATE_CONFIG: a } }).config.gateway.name).toBe(
      "from-flag",
    );
  });

  it("falls back through the search paths in order", () => {
    const a = writeYaml("gateway: { name: second }\n");
    const { config, source } = loadConfig({
      searchPaths: ["/nonexistent/meshgate.yaml", a],
      env: {},
    });
    expect(source).toBe(a);
    expect(config.gateway.name).toBe("second");
  });

  it("says which file is missing when --config points nowhere", () => {
    expect(() => loadConfig({ path: "/nonexistent/x.yaml", env: {} })).toThrow(/not found/);
  });

  it("applies environment then CLI overrides, and validates them too", () => {
    const path = writeYaml("http: { port: 9000 }\n");
    const env = {
      MESHGATE_HTTP_PORT: "9100",
      MESHGATE_LOG_LEVEL: "debug",
      MESHGATE_SIMULATOR: "false",
    };
    const { config, notes } = loadConfig({ path, env });
    expect(config.http.port).toBe(9100);
    expect(config.log.level).toBe("debug");
    expect(config.simulator.enabled).toBe(false);
    expect(notes).toContain("http.port set from MESHGATE_HTTP_PORT");
    const cli = loadConfig({
      path,
      env,
      overrides: [{ path: "http.port", value: "9200", source: "--port" }],
    });
    expect(cli.config.http.port).toBe(9200);
    const bad = problemsOf(() => loadConfig({ path, env: { MESHGATE_HTTP_PORT: "eighty" } }));
    expect(bad).toContain("http.port: must be integer");
  });
});
