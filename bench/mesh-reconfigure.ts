/**
 * Live mesh tuning inside the daemon: a data dir seeded with N stored
 * observations from `--nodes` nodes, the App started on it (real store
 * worker, no radio) and, once its mesh model is ready, new mesh settings
 * applied the way PATCH /api/config applies them (`MeshModel.reconfigure`:
 * save to the mesh tables, sliced rebuild from them, swap). Prints the time
 * until the new state is live, the event-loop delay meanwhile and the
 * scheduler's longest slice, with the load average.
 *
 *   node --import tsx bench/mesh-reconfigure.ts [--observations 200000] [--nodes 3000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { App } from "../daemon/app/app.ts";
import { loadConfig } from "../daemon/config/load.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { seed } from "./_history-seed.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg("observations", 200_000);
const nodes = arg("nodes", 3000);
const work = mkdtempSync(join(tmpdir(), "meshgate-reconfigure-"));
try {
  const dataDir = join(work, "data");
  // Everything hot, so the first model holds the whole history.
  const hotMB = Math.max(4, Math.ceil(n / 1000));
  await seed(dataDir, n, { days: 0.5, nodes, hotMB, maxDbMB: 4 * hotMB });
  const { config } = loadConfig({ searchPaths: [], env: {} });
  Object.assign(config.http, { port: 0, host: "127.0.0.1" });
  Object.assign(config.store, { dataDir, hotMB, maxDbMB: 4 * hotMB });
  config.simulator.enabled = false;
  config.radios = [];
  const app = new App({ config, log: silentLogger(), version: "bench", staticDir: null });
  await app.start();
  while (!app.mesh.ready()) await new Promise((r) => setTimeout(r, 100));
  const before = app.mesh.stats();
  const load0 = loadavg()[0]!;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const tuning = {
    ...config.mesh,
    maxNodes: Math.ceil(before.nodes / 2),
    minResolveConfidence: 0.6,
  };
  await app.mesh.reconfigure(tuning, app.store);
  const ms = performance.now() - t0;
  loop.disable();
  const after = app.mesh.stats();
  await app.stop();
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(
    `Mesh reconfigure (maxNodes ${tuning.maxNodes}, minResolveConfidence 0.6) over ${n} stored observations, Node ${process.version}; 1-minute load average ${f(load0)} at start, ${f(loadavg()[0]!)} at end.\n`,
  );
  console.log("| measurement | value |");
  console.log("|---|---|");
  console.log(
    `| model before / after | ${before.nodes} / ${after.nodes} nodes, ${before.edges} / ${after.edges} edges |`,
  );
  console.log(`| PATCH to new state live | ${f(ms / 1000, 2)} s |`);
  console.log(
    `| event-loop delay meanwhile: p50 / p99 / max | ${f(loop.percentile(50) / 1e6, 2)} / ${f(loop.percentile(99) / 1e6, 2)} / ${f(loop.max / 1e6, 2)} ms |`,
  );
  console.log(
    `| longest scheduler slice: wall / CPU | ${f(after.scheduler.longestSliceMs, 2)} / ${f(after.scheduler.longestSliceCpuMs ?? Number.NaN, 2)} ms |`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
