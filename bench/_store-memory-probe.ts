/**
 * Child process of bench/store-memory.ts, run from an esbuild bundle placed
 * in dist/ beside store-worker.mjs so the store runs exactly as in the built
 * daemon (no tsx in the worker). Prints one JSON line per stage:
 * process RSS split into file-backed pages (the node binary, shared
 * libraries) and anonymous memory, and VmHWM where a peak is asked for.
 * Usage: node probe.mjs <observations> <dataDir> [maxDbMB]
 * (0 observations: an empty store; with maxDbMB, retention and automatic
 * snapshots run as in the daemon, and the "ingested" VmHWM covers the run).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { silentLogger } from "../daemon/core/log.ts";
import type { ObservationInput } from "../daemon/store/api.ts";
import { createStore } from "../daemon/store/store.ts";
import { rng } from "../test/support/rng.ts";
import { randomObservation } from "./_traffic.ts";

const n = Number(process.argv[2] ?? 0);
const dataDir = process.argv[3] ?? "";
const maxDbMB = Number(process.argv[4] ?? 4096);
const MB = 1024 * 1024;

function mem(): { rss: number; file: number; anon: number; hwm: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return {
    rss: kb("VmRSS") / MB,
    file: kb("RssFile") / MB,
    anon: (kb("RssAnon") + kb("RssShmem")) / MB,
    hwm: kb("VmHWM") / MB,
  };
}
const report = (stage: string, extra: Record<string, number> = {}) =>
  console.log(JSON.stringify({ stage, ...mem(), ...extra }));
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Raw bytes and hashes random like real (encrypted, hashed) packets.
const rand = rng(99);
const packet = (i: number, at: number): ObservationInput => randomObservation(rand, i, at);

if (process.argv[2] === "bare") {
  report("bare");
  process.exit(0);
}
const store = createStore({
  dataDir,
  fsyncIntervalMs: 1000,
  snapshotJournalRatio: 1,
  maxDbMB,
  maxAgeDays: 1e5,
  log: silentLogger(),
});
await store.start();
await idle(2000);
report("started");
const t0 = Date.now();
// Batches of 500, as ingest sends at most; one in flight at a time, as ingest does.
for (let i = 0; i < n; i += 500) {
  const at = t0 + i;
  await store.ingest(Array.from({ length: Math.min(500, n - i) }, (_, k) => packet(i + k, at)));
}
await idle(5000);
const h = store.health();
report("ingested", { dbMB: h.dbBytes / MB, observations: h.observations });
try {
  writeFileSync("/proc/self/clear_refs", "5"); // reset VmHWM to the current RSS
} catch {
  // Older kernels: the peak then includes ingest.
}
const s0 = Date.now();
await store.snapshot();
report("snapshot", { ms: Date.now() - s0 });
await idle(5000);
report("after snapshot");
await store.stop();
