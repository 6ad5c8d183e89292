import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startDaemon } from "../support/daemon.ts";
import { REPO_ROOT } from "../support/paths.ts";

const DIST = join(REPO_ROOT, "dist");
const WORKER = "store-worker.mjs";

// The banner's own imports (build.mjs): createRequire, fileURLToPath, dirname.
const BANNER_IMPORTS = ["node:module", "node:url", "node:path"];

/** The daemon's bundle: its entry, the chunks build.mjs split off, and the store worker. */
function daemonFiles(): string[] {
  return readdirSync(DIST).filter(
    (f) => f === "meshgate.mjs" || f === WORKER || /^chunk-.+\.mjs$/.test(f),
  );
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

  it("runs without Node loading undici, http2, tls or https", async () => {
    // An ES import of node:http reads its lazy WebSocket export, which loads
    // undici, http2, tls and readline: internal modules nothing here uses.
    const list = join(tmp, "modules.json");
    const probe = join(tmp, "modules.mjs");
    writeFileSync(
      probe,
      `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const d = await startDaemon({
      entry: join(DIST, "meshgate.mjs"),
      dataDir: join(tmp, "data"),
      env: { NODE_OPTIONS: `--import=${probe}` },
    });
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
    expect(await d.stop()).toBe(0);
    const loaded = JSON.parse(readFileSync(list, "utf8")) as string[];
    // The HTTP server ran on node:http.
    expect(loaded).toContain("NativeModule http");
    for (const m of ["internal/deps/undici/undici", "http2", "internal/http2/core"])
      expect(loaded).not.toContain(`NativeModule ${m}`);
    // The /ws feed ran on the ws package, whose client side (tls, https) and
    // the doctor's TLS broker check load them only when used (build.mjs).
    expect(loaded).toContain("NativeModule net");
    for (const m of ["tls", "https", "_tls_wrap", "internal/tls/wrap"])
      expect(loaded).not.toContain(`NativeModule ${m}`);
  });
});
