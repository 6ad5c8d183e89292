/**
 * Store benchmark: prints a markdown table. Run: node --import tsx bench/store.ts
 * (BENCH_QUICK=1 for smaller sizes). Synthetic packets: random bytes of
 * realistic sizes (20..180 B), distinct random hashes, 2 hops, SNR/RSSI set.
 * The disk row also runs on simulator traffic (real MeshCore packets: signed
 * adverts, encrypted channel text, relayed floods heard several times), fed
 * through the daemon's own decoder.
 *
 * Rows: ingest throughput; bytes written to disk per packet at steady state
 * with a 20 MB DB vs native SQLite (WAL, one commit per packet, via python3);
 * main-thread event-loop delay while ingesting
 * 200 packets/s and snapshotting a 50 MB DB; startup with a 50 MB snapshot
 * and a journal at its threshold.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { silentLogger } from "../daemon/core/log.ts";
import type { ObservationInput } from "../daemon/store/api.ts";
import { StoreEngine } from "../daemon/store/engine.ts";
import { type FsPort, nodeFs } from "../daemon/store/fsport.ts";
import { createStore } from "../daemon/store/store.ts";
import { rng } from "../test/support/rng.ts";
import { simulatorTraffic } from "./_sim-traffic.ts";
import { benchStoreOptions } from "./_store-options.ts";
import { randomObservation } from "./_traffic.ts";

const QUICK = process.env.BENCH_QUICK === "1";
/** store.snapshotJournalRatio for the disk-write rows: BENCH_RATIO, else the config's default. */
const RATIO = Number(
  process.env.BENCH_RATIO ??
    JSON.parse(readFileSync(new URL("../schema/config.schema.json", import.meta.url), "utf8"))
      .properties.store.properties.snapshotJournalRatio.default,
);
const rows: [string, string, string][] = [];
const log = silentLogger();
const MB = 1024 * 1024;

// The one seeded PRNG of tests and benches (integer maths: a float LCG falls
// into a short cycle, which made "random" packets compressible).
const rand = rng(12345);
let counter = 0;
let rawBytes = 0;
function packet(at = Date.now()): ObservationInput {
  const o = randomObservation(rand, counter++, at, { countedHash: true });
  rawBytes += o.raw.length;
  return o;
}
const batchOf = (k: number, at?: number) => Array.from({ length: k }, () => packet(at));
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `mg-bench-${p}-`));
const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
const procWriteBytes = () =>
  Number(/write_bytes: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? 0);

/** Counts bytes handed to write(), in all and to journal files alone. */
function countingFs(): FsPort & { written: number; journal: number } {
  const journalFds = new Set<number>();
  const c = {
    ...nodeFs,
    written: 0,
    journal: 0,
    openSync: ((path: string, flags: string, mode?: number) => {
      const fd = nodeFs.openSync(path, flags, mode);
      if (String(path).includes("journal-")) journalFds.add(fd);
      else journalFds.delete(fd);
      return fd;
    }) as FsPort["openSync"],
    writeSync: ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
      const n = nodeFs.writeSync(fd, buf, off ?? 0, len ?? buf.length - (off ?? 0));
      c.written += n;
      if (journalFds.has(fd)) c.journal += n;
      return n;
    }) as FsPort["writeSync"],
  };
  return c;
}

async function throughput(): Promise<void> {
  const dir = tmp("tput");
  const e = await StoreEngine.open({
    ...benchStoreOptions(dir, { maxDbMB: 512, maxAgeDays: 1e5 }),
    log,
  });
  const n = QUICK ? 50_000 : 200_000;
  e.ingest(batchOf(100)); // warm up statements
  const batches = Array.from({ length: n / 100 }, () => batchOf(100));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const b of batches) e.ingest(b);
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  // Per CPU-second too: on a shared, busy machine wall time mostly measures the wait for a core.
  rows.push([
    "ingest throughput, in the store thread (batches of 100)",
    `${Math.round(n / s)} obs/s wall; ${Math.round(n / cpu)} obs per CPU-second`,
    ">= 10,000/s",
  ]);
  await e.close();
  rmSync(dir, { recursive: true });

  const store = createStore({
    dataDir: tmp("tputw"),
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 0.5,
    maxDbMB: 512,
    maxAgeDays: 1e5,
    log,
  });
  await store.start();
  await store.ingest(batchOf(100));
  const t1 = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n / 100; i++) pending.push(store.ingest(batchOf(100)));
  await Promise.all(pending);
  const s1 = (performance.now() - t1) / 1000;
  rows.push([
    "ingest throughput, through the worker API (batches of 100)",
    `${Math.round(n / s1)} obs/s`,
    ">= 10,000/s",
  ]);
  await store.stop();
}

/** Simulator traffic through the daemon's decoder: k observations at time `at`, raw bytes counted. */
const simSource = () =>
  simulatorTraffic((bytes) => {
    rawBytes += bytes;
  });

async function diskWrites(): Promise<void> {
  await diskWritesWith("synthetic packets", batchOf);
  await diskWritesWith("simulator traffic", simSource());
  const wal = sqliteWal(QUICK ? 2000 : 5000);
  rows.push([
    "native SQLite WAL, one commit per packet, 20 MB DB (python3 sqlite3), synthetic packets",
    `${wal.toFixed(0)} B (${(wal / walRawPer).toFixed(1)}x raw); meshgate writes ${(wal / walMeshgatePer).toFixed(1)}x less`,
    ">= 20x less than WAL",
  ]);
}

/** The synthetic run's figures, for the WAL comparison row. */
let walRawPer = 1;
let walMeshgatePer = 1;

async function diskWritesWith(
  label: string,
  source: (k: number, at: number) => ObservationInput[],
): Promise<void> {
  const batchOf = source;
  const dir = tmp("wear");
  const fs = countingFs();
  let now = Date.now();
  const e = await StoreEngine.open({
    dataDir: dir,
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: RATIO,
    maxDbMB: 20,
    maxAgeDays: 1e5,
    log,
    fs,
    now: () => now,
  });
  // Fill to the 20 MB cap so retention runs, as on a gateway that has been up for weeks.
  // Retention holds the file near 90% of the cap, so "full" is 17.5 MB here.
  while (e.health().dbBytes < 17.5 * MB) {
    e.ingest(batchOf(1000, now));
    e.flushJournal();
    e.maintain();
    await new Promise((r) => setImmediate(r)); // let a running snapshot write its chunks
  }
  await e.snapshot();
  // Measure over whole snapshot cycles: from just after one automatic
  // snapshot to just after the K-th next one, so journal and snapshot
  // writes are both counted in their steady-state proportion.
  const cycles = QUICK ? 2 : 4;
  const snapCount = () => e.health().counters.snapshots ?? 0;
  const s0 = snapCount();
  while (snapCount() === s0) {
    e.ingest(batchOf(200, now));
    now += 1000;
    e.flushJournal();
    e.maintain();
    await new Promise((r) => setImmediate(r));
  }
  const s1 = snapCount();
  const fs0 = fs.written;
  const j0 = fs.journal;
  const io0 = procWriteBytes();
  const raw0 = rawBytes;
  let n = 0;
  // One group commit per 200 packets (200 packets/s of simulated time).
  while (snapCount() < s1 + cycles) {
    e.ingest(batchOf(200, now));
    n += 200;
    now += 1000;
    e.flushJournal();
    e.maintain();
    await new Promise((r) => setImmediate(r));
  }
  const perPkt = (fs.written - fs0) / n;
  const journalPer = (fs.journal - j0) / n;
  const perPktIo = (procWriteBytes() - io0) / n;
  const rawPer = (rawBytes - raw0) / n;
  const snaps = cycles;
  const h = e.health();
  e.abandon();
  rmSync(dir, { recursive: true });
  if (label === "synthetic packets") {
    walRawPer = rawPer;
    walMeshgatePer = perPkt;
  }
  rows.push([`${label}: mean raw packet size`, `${rawPer.toFixed(0)} B`, ""]);
  rows.push([
    `${label}: bytes written per packet, 20 MB DB (${(h.dbBytes / MB).toFixed(1)} MB, ${h.observations} obs), snapshotJournalRatio ${RATIO}, steady state (${n} packets, ${snaps} snapshots)`,
    `${perPkt.toFixed(0)} B (${(perPkt / rawPer).toFixed(2)}x raw); journal ${(journalPer / rawPer).toFixed(2)}x raw; /proc write_bytes ${perPktIo.toFixed(0)} B`,
    "<= 3x raw",
  ]);
}

/** Bytes the python3 process sent to storage per packet (/proc/self/io), WAL mode, one commit per packet. */
function sqliteWal(n: number): number {
  const dir = tmp("wal");
  const py = `
import os, random, sqlite3, sys
random.seed(7)
db = sqlite3.connect(os.path.join(sys.argv[1], "wal.db"), isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.executescript("""
CREATE TABLE tx (id INTEGER PRIMARY KEY, hash TEXT UNIQUE, raw BLOB, at INTEGER, type INTEGER, summary TEXT);
CREATE TABLE obs (id INTEGER PRIMARY KEY, tx INTEGER, radio INTEGER, at INTEGER, snr REAL, rssi INTEGER, path TEXT);
CREATE INDEX obs_tx ON obs(tx, id); CREATE INDEX obs_at ON obs(at);
""")
def pkt(i):
    raw = os.urandom(20 + random.randrange(160))
    db.execute("BEGIN")
    cur = db.execute("INSERT INTO tx (hash, raw, at, type, summary) VALUES (?,?,?,?,?)", ("%016x" % i, raw, i, 5, "GRP_TXT #test %d" % i))
    db.execute("INSERT INTO obs (tx, radio, at, snr, rssi, path) VALUES (?,?,?,?,?,?)", (cur.lastrowid, 1, i, 1.5, -90, "a1,b2"))
    db.execute("COMMIT")
i = 0
db.execute("PRAGMA synchronous=OFF")
while os.path.getsize(os.path.join(sys.argv[1], "wal.db")) < 20 * 1024 * 1024:
    db.execute("BEGIN")
    for _ in range(1000):
        raw = os.urandom(20 + random.randrange(160))
        cur = db.execute("INSERT INTO tx (hash, raw, at, type, summary) VALUES (?,?,?,?,?)", ("%016x" % i, raw, i, 5, "x"))
        db.execute("INSERT INTO obs (tx, radio, at, snr, rssi, path) VALUES (?,?,?,?,?,?)", (cur.lastrowid, 1, i, 1.5, -90, "a1,b2"))
        i += 1
    db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.execute("PRAGMA synchronous=FULL")
def wb():
    return int([l for l in open("/proc/self/io") if l.startswith("write_bytes")][0].split()[1])
w0 = wb()
for k in range(${n}):
    pkt(i + k)
db.close()
print((wb() - w0) / ${n})
`;
  try {
    return Number(execFileSync("python3", ["-c", py, dir], { encoding: "utf8" }).trim());
  } finally {
    rmSync(dir, { recursive: true });
  }
}

async function eventLoop(): Promise<void> {
  const dir = tmp("loop");
  const opts = { ...benchStoreOptions(dir, { maxDbMB: 512, maxAgeDays: 1e5 }), log };
  const store = createStore(opts);
  await store.start();
  const target = (QUICK ? 20 : 50) * MB;
  while (store.health().dbBytes < target) await store.ingest(batchOf(2000));
  await store.snapshot();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const seconds = QUICK ? 3 : 6;
  const t0 = performance.now();
  let snapshotMs = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      // 200 packets/s, in 10 ms ticks of 2.
      void store.ingest(batchOf(2));
      sent += 2;
      if (sent === 400) {
        const s0 = performance.now();
        void store.snapshot().then(() => {
          snapshotMs = performance.now() - s0;
        });
      }
      if (performance.now() - t0 > seconds * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  h.disable();
  const dbBytes = store.health().dbBytes;
  rows.push([
    `main-thread event-loop delay, 200 pkt/s + snapshot of a ${mb(dbBytes)} DB (snapshot ${Math.round(snapshotMs)} ms)`,
    `p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
    "p99 <= 10 ms",
  ]);
  await store.stop();
  // Grow the journal to its threshold (RATIO x the DB; snapshots held off),
  // copy the files as a power cut would leave them, and time a start on them.
  const journalTarget = RATIO * dbBytes;
  const st = createStore({ ...opts, snapshotJournalRatio: 10 });
  await st.start();
  while (st.health().journalBytes < journalTarget) await st.ingest(batchOf(2000));
  const jb = st.health().journalBytes;
  await new Promise((r) => setTimeout(r, 1500)); // group commit
  const copy = tmp("start");
  execFileSync("cp", ["-a", `${dir}/.`, copy]);
  await st.stop();
  const t1 = performance.now();
  const again = createStore({ ...opts, dataDir: copy });
  await again.start();
  const startMs = performance.now() - t1;
  rows.push([
    `startup: snapshot of a ${mb(dbBytes)} DB + ${mb(jb)} journal at snapshotJournalRatio ${RATIO} (${again.health().counters.replayed_records ?? 0} records replayed; DB after replay ${mb(again.health().dbBytes)}, ${again.health().observations} obs)`,
    `${Math.round(startMs)} ms`,
    "",
  ]);
  await again.stop();
  rmSync(dir, { recursive: true });
  rmSync(copy, { recursive: true });
}

const parts = (process.argv[2] ?? "throughput,disk,loop").split(",");
if (parts.includes("throughput")) await throughput();
if (parts.includes("disk")) await diskWrites();
if (parts.includes("loop")) await eventLoop();
console.log(
  `\n| store benchmark (${QUICK ? "quick" : "full"}, node ${process.version}) | result | goal |`,
);
console.log("| --- | --- | --- |");
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
