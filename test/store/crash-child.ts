/**
 * Crash-test child: opens the store in dataDir and ingests observations
 * numbered from `start` upwards until killed, printing `ack <last> <ms>` after
 * each acknowledged batch and `t <ms>` every 5 ms. The parent SIGKILLs it at
 * a random moment.
 * Usage: node --import tsx crash-child.ts <dataDir> <start> <seed> <engine|worker> [minJournalBytes [archive]]
 */
import { silentLogger } from "../../daemon/core/log.ts";
import type { ObservationInput } from "../../daemon/store/api.ts";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { createStore } from "../../daemon/store/store.ts";
import { rng } from "../support/rng.ts";
import { CRASH_FSYNC_MS, synthObs } from "../support/store.ts";

const [dataDir = "", startArg = "1", seedArg = "1", mode = "engine", minArg, archive = ""] =
  process.argv.slice(2);
const rand = rng(Number(seedArg));
const opts = {
  dataDir,
  fsyncIntervalMs: CRASH_FSYNC_MS,
  snapshotJournalRatio: 0.1,
  // Small, so snapshots (and rotations) happen often and kills land in them.
  snapshotMinJournalBytes: minArg === undefined ? 8 * 1024 : Number(minArg),
  maxDbMB: 64,
  maxAgeDays: 1e5,
  log: silentLogger(),
  // "archive": a tiny hot budget and partitions, so kills land in archive
  // passes too; otherwise every row stays hot (a budget as large as
  // maxDbMB), which is what crash-harness.ts's `present` reads.
  ...(archive === "archive"
    ? { hotMB: 0.15, hotMaxHours: 1e6, partitionMB: 0.1, archiveChunkRows: 150 }
    : { hotMaxHours: 1e6, hotMB: 64 }),
};

let ingest: (b: ObservationInput[]) => Promise<unknown>;
if (mode === "worker") {
  const store = createStore(opts);
  await store.start();
  ingest = (b) => store.ingest(b);
} else {
  const engine = await StoreEngine.open(opts);
  engine.start();
  ingest = async (b) => engine.ingest(b);
}
process.stdout.write("open\n");
// Heartbeat: the parent judges durability by the child's own clock, i.e. the
// last moment this process actually ran before the kill (a loaded machine
// may starve it for hundreds of ms, and no store can fsync while starved).
setInterval(() => process.stdout.write(`t ${Date.now()}\n`), 5);

let n = Number(startArg);
for (;;) {
  const k = 1 + Math.floor(rand() * 20);
  const batch: ObservationInput[] = [];
  for (let i = 0; i < k; i++) batch.push(synthObs(n + i, { at: 1_770_000_000_000 + n + i }));
  await ingest(batch);
  n += k;
  process.stdout.write(`ack ${n - 1} ${Date.now()}\n`);
  // Yield so the group-commit timer and snapshots run, as in the daemon.
  await new Promise((r) => setTimeout(r, 2 + Math.floor(rand() * 5)));
}
