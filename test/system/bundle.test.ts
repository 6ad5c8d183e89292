import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import nodeModule from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectAsync } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { MOSQUITTO, Mosquitto } from "../support/mosquitto.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { until } from "../support/wait.ts";

const DIST = join(REPO_ROOT, "dist");
const ENTRY = join(DIST, "meshgate.mjs");
const WORKER = "store-worker.mjs";

// The banner's own imports (build.mjs): createRequire, fileURLToPath, dirname.
const BANNER_IMPORTS = ["node:module", "node:url", "node:path"];

/** The packages only the mqtt package brings in (none of them is used elsewhere). */
const MQTT_PACKAGES = ["mqtt", "mqtt-packet", "readable-stream", "socks", "bl", "worker-timers"];

/** The daemon's bundle: its entry, the chunks build.mjs split off, and the store worker. */
function daemonFiles(): string[] {
  return readdirSync(DIST).filter(
    (f) => f === "meshgate.mjs" || f === WORKER || /^chunk-.+\.mjs$/.test(f),
  );
}

/** The source files esbuild put into a dist file, from its source map. */
function sourcesOf(file: string): string[] {
  return (JSON.parse(readFileSync(join(DIST, `${file}.map`), "utf8")) as { sources: string[] })
    .sources;
}

/** The npm packages esbuild put into a dist file. */
function packagesIn(file: string): Set<string> {
  const names = new Set<string>();
  for (const s of sourcesOf(file)) {
    const i = s.lastIndexOf("node_modules/");
    if (i < 0) continue;
    const [scope, name] = s.slice(i + "node_modules/".length).split("/");
    names.add(scope?.startsWith("@") ? `${scope}/${name}` : scope!);
  }
  return names;
}

/** The probe records module URLs with module.registerHooks (Node 22.15, 23.5 and later). */
const HAS_HOOKS = typeof nodeModule.registerHooks === "function";
if (!HAS_HOOKS) console.log("module URL checks skipped: this Node has no module.registerHooks");

const hasMqtt = (file: string) => {
  const pkgs = packagesIn(file);
  return MQTT_PACKAGES.some((p) => pkgs.has(p));
};

interface Loaded {
  /** Node's internal module list (built-ins as "NativeModule <name>"). */
  modules: string[];
  /** The dist files the daemon's main thread imported. */
  files: string[];
}

/**
 * Runs the built daemon with an --import probe that records, at exit, the
 * built-ins Node loaded and every module URL resolved on the main thread
 * (module.registerHooks), while `use` talks to it.
 */
async function probed(
  tmp: string,
  name: string,
  use: (d: RunningDaemon) => Promise<void>,
  yaml?: string,
): Promise<Loaded> {
  const out = join(tmp, `${name}.json`);
  const probe = join(tmp, `${name}.mjs`);
  writeFileSync(
    probe,
    [
      'import { writeFileSync } from "node:fs";',
      'import nodeModule from "node:module";',
      'import { isMainThread } from "node:worker_threads";',
      "if (isMainThread) {",
      "  const urls = [];",
      "  nodeModule.registerHooks?.({ resolve(spec, ctx, next) { const r = next(spec, ctx); urls.push(r.url); return r; } });",
      `  process.on("exit", () => writeFileSync(${JSON.stringify(out)}, JSON.stringify({ modules: process.moduleLoadList, urls })));`,
      "}",
      "",
    ].join("\n"),
  );
  const d = await startDaemon({
    entry: ENTRY,
    dataDir: join(tmp, `${name}-data`),
    env: { NODE_OPTIONS: `--import=${probe}` },
    ...(yaml === undefined ? {} : { yaml }),
  });
  try {
    await use(d);
  } finally {
    expect(await d.stop()).toBe(0);
  }
  const { modules, urls } = JSON.parse(readFileSync(out, "utf8")) as {
    modules: string[];
    urls: string[];
  };
  const files = urls
    .filter((u) => u.startsWith("file:") && fileURLToPath(u).startsWith(`${DIST}/`))
    .map((u) => basename(fileURLToPath(u)));
  return { modules, files: [...new Set(files)] };
}

describe("the daemon bundle (build.mjs)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "mg-bundle-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("was built by the test run", () => {
    for (const b of ["meshgate.mjs", WORKER]) expect(existsSync(join(DIST, b)), b).toBe(true);
    expect(daemonFiles().filter((f) => f.startsWith("chunk-")).length).toBeGreaterThan(0);
  });

  it("loads Node's built-ins with require, not as ES modules, beyond the banner", () => {
    for (const b of daemonFiles()) {
      const text = readFileSync(join(DIST, b), "utf8");
      const esm = [...text.matchAll(/\bfrom\s*["']((?:node:)?[a-z_/]+)["']/g)].map((m) => m[1]);
      expect(
        esm.filter((m) => !BANNER_IMPORTS.includes(m!)),
        b,
      ).toEqual([]);
    }
    // The plugin ran: node:fs comes through require in the worker and the daemon.
    const requiresFs = (b: string) =>
      /require\("node:fs"\)/.test(readFileSync(join(DIST, b), "utf8"));
    expect(requiresFs(WORKER)).toBe(true);
    expect(daemonFiles().filter((b) => b !== WORKER && requiresFs(b)).length).toBeGreaterThan(0);
  });

  it("keeps the store worker in one file, sharing no chunk with the daemon", () => {
    const text = readFileSync(join(DIST, WORKER), "utf8");
    expect(text).not.toMatch(/["']\.\/chunk-/);
  });

  it("puts the mqtt package in a chunk of its own, out of the entry", () => {
    const withMqtt = daemonFiles().filter(hasMqtt);
    expect(withMqtt).toHaveLength(1);
    const chunk = withMqtt[0]!;
    expect(chunk).toMatch(/^chunk-/);
    // Of its own: no meshgate code shares it.
    expect(sourcesOf(chunk).filter((s) => /(^|\/)daemon\//.test(s))).toEqual([]);
    // Only behind import(): no file imports it statically.
    for (const b of daemonFiles()) {
      const text = readFileSync(join(DIST, b), "utf8");
      const statics = [...text.matchAll(/\bfrom\s*["']\.\/([^"']+)["']/g)].map((m) => m[1]);
      expect(statics, b).not.toContain(chunk);
    }
  });

  it("runs without Node loading undici, http2, tls or https", async () => {
    // An ES import of node:http reads its lazy WebSocket export, which loads
    // undici, http2, tls and readline: internal modules nothing here uses.
    const loaded = await probed(tmp, "no-broker", async (d) => {
      const health = await fetch(`${d.url}/api/health`);
      expect(health.status).toBe(200);
      // A live-feed client, so the server side of the ws package has run.
      const ws = new WebSocket(`${d.url.replace(/^http/, "ws")}/ws`);
      const hello = await new Promise<string>((resolve, reject) => {
        ws.once("message", (m) => resolve(m.toString()));
        ws.once("error", reject);
      });
      expect(JSON.parse(hello)).toMatchObject({ type: "hello" });
      ws.close();
    });
    const modules = loaded.modules;
    // The HTTP server ran on node:http.
    expect(modules).toContain("NativeModule http");
    for (const m of ["internal/deps/undici/undici", "http2", "internal/http2/core"])
      expect(modules).not.toContain(`NativeModule ${m}`);
    // The /ws feed ran on the ws package, whose client side (tls, https) and
    // the doctor's TLS broker check load them only when used (build.mjs).
    expect(modules).toContain("NativeModule net");
    for (const m of ["tls", "https", "_tls_wrap", "internal/tls/wrap"])
      expect(modules).not.toContain(`NativeModule ${m}`);
  });

  it.skipIf(!HAS_HOOKS)("never reads the mqtt chunk without a broker", async () => {
    const loaded = await probed(tmp, "no-broker-files", async (d) => {
      const health = await fetch(`${d.url}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { mqtt: unknown[] }).mqtt).toEqual([]);
    });
    // The probe saw the entry and the chunks `run` imports; none holds mqtt.
    expect(loaded.files).toContain("meshgate.mjs");
    expect(loaded.files.some((f) => f.startsWith("chunk-run-"))).toBe(true);
    expect(loaded.files.filter(hasMqtt)).toEqual([]);
  });

  it.skipIf(!MOSQUITTO || !HAS_HOOKS)(
    "loads the mqtt chunk for a broker and publishes to it",
    async () => {
      const broker = await Mosquitto.create();
      await broker.start();
      const sub = await connectAsync(broker.url, { reconnectPeriod: 0 });
      try {
        const topics: string[] = [];
        sub.on("message", (t) => topics.push(t));
        await sub.subscribeAsync("meshcore/#", { qos: 1 });
        // No radio configured: the daemon runs its simulator, whose packets it publishes.
        const yaml = `mqtt:\n  brokers:\n    - id: local\n      url: ${broker.url}\n`;
        const loaded = await probed(
          tmp,
          "broker",
          async () => {
            await until(() => topics.some((t) => t.endsWith("/packets")), 30_000, "a packet");
          },
          yaml,
        );
        expect(loaded.files.filter(hasMqtt)).toHaveLength(1);
      } finally {
        await sub.endAsync(true);
        await broker.stop();
      }
    },
    90_000,
  );
});
