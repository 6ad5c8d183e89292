/**
 * The mesh state in store tables: a state of 20,000 nodes and 100,000 edges
 * saved through the real store (worker thread, sql.js, journal in a temp
 * dir) in batches of SAVE_BATCH rows, then restored; main-thread heap and process RSS
 * sampled at every batch. Also the size of what meta holds.
 *
 *   node --expose-gc --import tsx bench/mesh-tables.ts [nodes] [edges] [--routine]
 *
 * --routine: only the routine-save measurement (a small mesh, one simulated hour).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { silentLogger } from "../daemon/core/log.ts";
import { MeshModel } from "../daemon/mesh/model.ts";
import {
  Dirty,
  loadTables,
  type MeshTablesPort,
  parseHead,
  SAVE_BATCH,
  saveChanges,
  TABLES_META_KEY,
} from "../daemon/mesh/persist.ts";
import { STEP_UNITS } from "../daemon/mesh/rebuild.ts";
import { StepBudget } from "../daemon/mesh/scheduler.ts";
import { MeshState } from "../daemon/mesh/state.ts";
import { resolveConfig } from "../daemon/mesh/types.ts";
import { createStore } from "../daemon/store/store.ts";
import { bigState } from "../test/support/mesh/big.ts";
import { generateMesh, traffic } from "../test/support/mesh/topology.ts";
import { benchStoreOptions } from "./_store-options.ts";

const NODES = Number(process.argv[2] ?? 20_000);
const ROUTINE_ONLY = process.argv.includes("--routine");
const EDGES = Number(process.argv[3] ?? 100_000);
const mb = (n: number) => (n / 1048576).toFixed(1);

if (!ROUTINE_ONLY) {
  const dir = mkdtempSync(join(tmpdir(), "mg-mesh-tables-"));
  const store = createStore(benchStoreOptions(dir));
  await store.start();
  globalThis.gc?.();
  const empty = process.memoryUsage();
  const t0 = performance.now();
  const state = bigState(NODES, EDGES);
  const buildMs = performance.now() - t0;
  globalThis.gc?.();
  const base = process.memoryUsage();
  const peak = { heap: base.heapUsed, rss: base.rss };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  let batches = 0;
  const port: MeshTablesPort = {
    meshRead: (t, after, limit) => store.meshRead!(t, after, limit),
    meshWrite: async (b) => {
      batches++;
      sample();
      await store.meshWrite!(b);
    },
    getMeta: (k) => store.getMeta(k),
  };
  const d = new Dirty();
  d.all = true;
  const s0 = performance.now();
  const rows = await saveChanges(port, state, d, Date.now());
  const saveMs = performance.now() - s0;
  sample();
  const savePeak = { ...peak };
  const head = (await store.getMeta(TABLES_META_KEY)) ?? "";
  globalThis.gc?.();
  const beforeBack = process.memoryUsage();
  const back = new MeshState(resolveConfig({ maxEdges: EDGES * 2, maxNodes: NODES * 2 }));
  const r0 = performance.now();
  const stats = { skipped: 0, rows: 0 };
  for await (const _ of loadTables(
    port,
    back,
    parseHead(head)!,
    stats,
    new StepBudget(STEP_UNITS.rows, Number.POSITIVE_INFINITY),
  ))
    sample();
  const loadMs = performance.now() - r0;
  const s1 = performance.now();
  back.settle();
  const settleMs = performance.now() - s1;
  globalThis.gc?.();
  const afterBack = process.memoryUsage();
  const h = store.health();
  await store.stop();
  rmSync(dir, { recursive: true, force: true });

  console.log(
    `State: ${state.nodes.size} nodes, ${state.graph.size} evidence edges, ${state.tokens.size} tokens (built in ${(buildMs / 1000).toFixed(1)} s).`,
  );
  console.log("");
  console.log("| measurement | value |");
  console.log("|---|---|");
  console.log(
    `| full save: rows, batches, time | ${rows} rows in ${batches} writes of <= ${SAVE_BATCH} rows, ${(saveMs / 1000).toFixed(1)} s |`,
  );
  console.log(
    `| main-thread heap + array buffers the state holds (after GC, with the store started first) | ${mb(base.heapUsed - empty.heapUsed)} + ${mb(base.arrayBuffers - empty.arrayBuffers)} MB |`,
  );
  console.log(
    `| main-thread heap + array buffers the restored state holds (after GC) | ${mb(afterBack.heapUsed - beforeBack.heapUsed)} + ${mb(afterBack.arrayBuffers - beforeBack.arrayBuffers)} MB |`,
  );
  console.log(
    `| main-thread heap: before save / peak during save / peak during restore (second state) | ${mb(base.heapUsed)} / ${mb(savePeak.heap)} / ${mb(peak.heap)} MB |`,
  );
  console.log(
    `| process RSS (main + store worker): before / peak during save / peak during restore | ${mb(base.rss)} / ${mb(savePeak.rss)} / ${mb(peak.rss)} MB |`,
  );
  console.log(`| meta value written with the save | ${head.length} bytes |`);
  console.log(`| store DB after save | ${mb(h.dbBytes)} MB |`);
  console.log(
    `| restore (read all tables) / settle | ${(loadMs / 1000).toFixed(1)} s / ${(settleMs / 1000).toFixed(1)} s, ${stats.rows} rows, ${stats.skipped} skipped |`,
  );
  console.log(
    `| restored nodes / edges | ${back.nodes.size} / ${back.graph.size} (${back.nodes.size === state.nodes.size && back.graph.size === state.graph.size ? "same" : "DIFFERENT"}) |`,
  );
}

// Routine saves: a 60-node mesh at 2 packets/s for one simulated hour, a
// save every 5 minutes; bytes are the batches as the journal record carries them.
{
  const mesh = generateMesh({
    seed: 5,
    nodes: 60,
    radiusKm: 20,
    linkKm: 10,
    forcedCollisions: 6,
    chatShare: 0.25,
  });
  const start = Date.UTC(2026, 4, 1);
  let now = start;
  let bytes = 0;
  let writes = 0;
  const counting: MeshTablesPort = {
    meshRead: async () => [],
    meshWrite: async (b) => {
      writes++;
      bytes += JSON.stringify(b).length;
    },
    getMeta: async () => null,
  };
  const m = new MeshModel({
    config: {},
    log: silentLogger(),
    now: () => now,
    tables: counting,
    persistEveryMs: 0,
  });
  await m.start();
  await m.rebuild({ scanObservations: async () => [], listNodes: async () => [] });
  await m.persist(); // the first full save of an empty state
  bytes = 0;
  writes = 0;
  let next = start + 300_000;
  for (const o of traffic(mesh, {
    seed: 6,
    count: 7200,
    start,
    stepMs: 500,
    advertShare: 0.05,
    duplicateShare: 0.3,
    maxHops: 5,
    hashSize: 1,
  })) {
    if (o.at > start + 3_600_000) break;
    now = o.at;
    m.observe(o);
    if (o.at >= next) {
      await m.persist();
      next += 300_000;
    }
  }
  await m.stop();
  console.log(
    `\n| routine saves, 60 nodes at 2 packets/s for 1 h, every 5 min | ${writes} writes, ${(bytes / 1024).toFixed(0)} KiB of rows (before the journal's compression) |`,
  );
}
