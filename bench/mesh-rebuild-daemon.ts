/**
 * The mesh model's startup rebuild inside the real daemon: a data dir seeded
 * with N stored observations (bench/_history-seed.ts), the daemon started on
 * it (real store worker, real HTTP engine, no radio), and its own
 * /api/health polled every 20 ms from a worker thread until the mesh index
 * reports ready. Prints the health endpoint's latency during the rebuild,
 * the event-loop delay, the scheduler's longest slice and the rebuild time.
 *
 *   node --expose-gc --import tsx bench/mesh-rebuild-daemon.ts [--observations N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { App } from "../daemon/app/app.ts";
import { loadConfig } from "../daemon/config/load.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { seed } from "./_history-seed.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg("observations", 500_000);
const work = mkdtempSync(join(tmpdir(), "meshgate-rebuild-"));
const dataDir = join(work, "data");
// The whole history in the hot database (the rebuild reads the hot store):
// half a day, within hotMaxHours, and a hot budget large enough for it.
const HOT_MB = Math.max(4, Math.ceil(n / 1000));
const seeded = await seed(dataDir, n, {
  days: 0.5,
  nodes: 300,
  hotMB: HOT_MB,
  maxDbMB: 4 * HOT_MB,
});

const { config } = loadConfig({ searchPaths: [], env: {} });
config.simulator.enabled = false;
config.http.port = 0;
config.http.host = "127.0.0.1";
config.store.dataDir = dataDir;
config.store.hotMB = HOT_MB;
config.store.maxDbMB = 4 * HOT_MB;
config.radios = [];
globalThis.gc?.();
const loadStart = loadavg()[0]!;
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const app = new App({ config, log: silentLogger(), version: "bench", staticDir: null });
await app.start();

// Polls until the index is ready; each answer is timed and tagged with it.
const poller = new Worker(
  `const { parentPort, workerData } = require("node:worker_threads");
   const http = require("node:http");
   const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
   const lat = [];
   (async function loop() {
     for (;;) {
       const t = performance.now();
       const body = await new Promise((ok) => http.get({ port: workerData, path: "/api/health", agent }, (res) => {
         let s = ""; res.on("data", (c) => { s += c; }); res.on("end", () => ok(s));
       }).on("error", () => ok("")));
       lat.push(performance.now() - t);
       let ready = false;
       try { ready = JSON.parse(body).index.ready === true; } catch {}
       if (ready) break;
       await new Promise((r) => setTimeout(r, 20));
     }
     parentPort.postMessage(lat);
   })();`,
  { eval: true, workerData: app.httpPort() },
);
const lat = await new Promise<number[]>((r) => poller.once("message", r));
loop.disable();
await poller.terminate();
const stats = app.mesh.stats();
const loadEnd = loadavg()[0]!;
await app.stop();
rmSync(work, { recursive: true, force: true });

lat.sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
const f = (x: number, d = 2) => x.toFixed(d);
console.log(
  `Daemon startup rebuild over ${n} stored observations (seeded in ${f(seeded.ms / 1000, 1)} s), ` +
    `sliceMs ${app.mesh.cfg.sliceMs}, Node ${process.version}; 1-minute load average ${f(loadStart, 1)} at start, ${f(loadEnd, 1)} at end.`,
);
console.log("");
console.log("| measurement | value |");
console.log("|---|---|");
console.log(
  `| rebuild (start to ready) | ${f((stats.lastRebuildMs ?? 0) / 1000)} s, ${stats.counters.observations} observations folded in, ${stats.edges} evidence edges |`,
);
console.log(
  `| /api/health during it (${lat.length} requests): p50 / p99 / max | ${f(pct(50))} / ${f(pct(99))} / ${f(lat.at(-1) ?? 0)} ms (goal p99 <= 20) |`,
);
console.log(
  `| event-loop delay: p50 / p99 / max | ${f(loop.percentile(50) / 1e6)} / ${f(loop.percentile(99) / 1e6)} / ${f(loop.max / 1e6)} ms |`,
);
console.log(
  `| longest scheduler slice: wall / CPU | ${f(stats.scheduler.longestSliceMs)} / ${f(stats.scheduler.longestSliceCpuMs ?? Number.NaN)} ms (goal <= 50); ${stats.scheduler.slowSlices} of ${stats.scheduler.slices} slices over twice the budget (wall) |`,
);
