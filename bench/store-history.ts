/**
 * Latency of history pages: a store seeded with `--history` observations over
 * 30 days (bench/_history-seed.ts), then /api/packets-style pages of 50 taken
 * in the store thread: from the hot DB, from a cursor deep in the archive
 * (partition not open yet, then open), filtered by node, and a transmission's
 * detail from an archived packet (one partition opened: its hash filter
 * finds it) and of a hash never heard. Each row is the median of `--reps` runs.
 *
 *   node --import tsx bench/store-history.ts [--history 200000] [--reps 9]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../daemon/core/log.ts";
import { StoreEngine } from "../daemon/store/engine.ts";
import { seed } from "./_history-seed.ts";

const argv = process.argv.slice(2);
const num = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const n = num("--history", 200_000);
const reps = num("--reps", 9);
const dir = mkdtempSync(join(tmpdir(), "mg-bench-hist-"));

try {
  const s = await seed(dir, n, { days: 30, nodes: 60 });
  const e = await StoreEngine.open({
    dataDir: dir,
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 1,
    maxDbMB: 64,
    maxAgeDays: 30,
    log: silentLogger(),
  });
  const median = (f: () => void, before?: () => void) => {
    const t: number[] = [];
    for (let i = 0; i < reps; i++) {
      before?.();
      const t0 = performance.now();
      f();
      t.push(performance.now() - t0);
    }
    return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!.toFixed(1);
  };
  const deep = Math.floor(n / 3);
  const cold = () => e.history.packetPage({ limit: 1, before: 2 }); // opens the oldest partition instead
  const key = (7).toString(16).padStart(64, "0").toUpperCase();
  const rows: [string, string][] = [
    ["newest page of 50 (hot DB)", median(() => e.history.packetPage({ limit: 50 }))],
    [
      "page of 50 deep in the archive, partition not open",
      median(() => e.history.packetPage({ limit: 50, before: deep }), cold),
    ],
    [
      "next page there, partition open",
      median(() => e.history.packetPage({ limit: 50, before: deep })),
    ],
    [
      "page of 50 of one node's adverts (30 days, across partitions)",
      median(() => e.history.packetPage({ limit: 50, node: key })),
    ],
    [
      "detail of an archived transmission",
      median(() => e.history.transmission((deep - 1).toString(16).padStart(16, "0")), cold),
    ],
    [
      "detail of a hash never heard (hash filters only)",
      median(() => e.history.transmission("ffffffff00000001"), cold),
    ],
  ];
  const h = e.health();
  console.log(
    `history: ${n.toLocaleString("en")} observations over 30 days; ${s.partitions} partitions, ${(h.archive!.bytes / 1048576).toFixed(1)} MiB; hot DB ${(h.hotBytes! / 1048576).toFixed(1)} MiB\n`,
  );
  console.log("| history read (store thread, median of runs) | ms |\n| --- | --- |");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  e.abandon();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
