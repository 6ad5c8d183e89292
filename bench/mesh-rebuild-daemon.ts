/**
 * The mesh model's startup rebuild inside the real daemon: a data dir seeded
 * with N stored observations (bench/_history-seed.ts), the daemon started on
 * it (real store worker, real HTTP engine, no radio), and its own
 * /api/health polled every 20 ms (`--poll-ms`) from a worker thread until the mesh index
 * reports ready. The rebuild App.start asks for is held until the poller
 * has connected and made WARM_UP requests (a gateway serves health all the
 * time; a client's first connect is not what the rebuild costs): the first
 * of those is reported apart as the cold request. Prints the health
 * endpoint's latency during the rebuild, the event-loop delay, the main
 * thread's CPU time and time waiting for a CPU, the scheduler's longest
 * slice and the rebuild time.
 *
 *   node --expose-gc --import tsx bench/mesh-rebuild-daemon.ts [--observations N] [--data DIR] [--alloc FILE] [--timeline] [--slice-ms N] [--poll-ms N]
 *
 * `--timeline` lists every request over TIMELINE_MS with what the main
 * thread did meanwhile (on a CPU, waiting for one) and the GC pauses that
 * overlapped it: on a shared machine most slow requests are waits for a CPU.
 *
 * `--alloc FILE` samples the main thread's allocations during the rebuild
 * (collected objects included) into FILE, a .heapprofile for DevTools, and
 * prints the functions that allocated most.
 *
 * `--data DIR` keeps the seeded data dir there and reuses it on the next run
 * with the same N (the daemon's own writes, such as the saved mesh tables,
 * are removed first so every run rebuilds from scratch).
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { App } from "../daemon/app/app.ts";
import { loadConfig } from "../daemon/config/load.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { MeshModel } from "../daemon/mesh/model.ts";
import { unitNodeFlags } from "../packaging/unit-flags.mjs";
import { seed } from "./_history-seed.ts";
import { envWithoutMalloc, unitEnv } from "./_unit-env.ts";

/** Requests slower than this are listed by `--timeline`. */
const TIMELINE_MS = 10;

/**
 * `--timeline`: the main thread's schedstat every millisecond (a timer on
 * this thread, so a gap is also a stretch where the loop was busy), on the
 * shared wall clock, to tell a slow request's own work from contention.
 */
class Timeline {
  private readonly t: number[] = [];
  private readonly run: number[] = [];
  private readonly wait: number[] = [];
  private readonly timer = setInterval(() => this.sample(), 1);

  constructor() {
    this.sample();
  }

  private sample(): void {
    const s = mainThreadSched();
    if (!s) return;
    this.t.push(performance.timeOrigin + performance.now());
    this.run.push(s.runMs);
    this.wait.push(s.waitMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** From the last sample at or before `from` to the first at or after `to`. */
  between(from: number, to: number): { runMs: number; waitMs: number; spanMs: number } | null {
    let i = -1;
    let j = -1;
    for (let k = 0; k < this.t.length; k++) {
      if (this.t[k]! <= from) i = k;
      if (this.t[k]! >= to) {
        j = k;
        break;
      }
    }
    if (i < 0 || j < 0) return null;
    return {
      runMs: this.run[j]! - this.run[i]!,
      waitMs: this.wait[j]! - this.wait[i]!,
      spanMs: this.t[j]! - this.t[i]!,
    };
  }
}

// Measure the daemon as the installed unit runs it (its V8 flags, young-generation
// and malloc settings): run again in a child with the unit's environment,
// unless this already is that child or `--own-env` asks for this process's.
const unit = unitEnv();
if (!process.argv.includes("--own-env") && process.env.MESHGATE_BENCH_UNIT_ENV !== "1") {
  const env = { ...envWithoutMalloc(), ...unit, MESHGATE_BENCH_UNIT_ENV: "1" };
  const child = spawnSync(
    process.execPath,
    [...unitNodeFlags(), ...process.execArgv, ...process.argv.slice(1)],
    {
      env,
      stdio: "inherit",
    },
  );
  if (child.signal) console.error(`bench child ended by ${child.signal}`);
  process.exit(child.status ?? 1);
}

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg("observations", 500_000);
const keep = process.argv.includes("--data")
  ? process.argv[process.argv.indexOf("--data") + 1]
  : undefined;
const work = keep ?? mkdtempSync(join(tmpdir(), "meshgate-rebuild-"));
const dataDir = join(work, `data-${n}`);
const pristine = join(work, `seeded-${n}`);
// The whole history in the hot database (the rebuild reads the hot store):
// half a day, within hotMaxHours, and a hot budget large enough for it.
const HOT_MB = Math.max(4, Math.ceil(n / 1000));
let seededMs = 0;
if (!keep || !existsSync(pristine)) {
  // Seeded under another name and renamed when complete: a run cut short never leaves a partial seed.
  const partial = `${pristine}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const seeded = await seed(partial, n, {
    days: 0.5,
    nodes: 300,
    hotMB: HOT_MB,
    maxDbMB: 4 * HOT_MB,
  });
  seededMs = seeded.ms;
  renameSync(partial, pristine);
}
rmSync(dataDir, { recursive: true, force: true });
cpSync(pristine, dataDir, { recursive: true });

const { config } = loadConfig({ searchPaths: [], env: {} });
config.simulator.enabled = false;
config.http.port = 0;
config.http.host = "127.0.0.1";
config.store.dataDir = dataDir;
config.store.hotMB = HOT_MB;
config.store.maxDbMB = 4 * HOT_MB;
config.radios = [];
/** `--slice-ms N`: mesh.sliceMs for this run (default: the schema's). */
if (process.argv.includes("--slice-ms")) config.mesh.sliceMs = arg("slice-ms", config.mesh.sliceMs);
globalThis.gc?.();
const loadStart = loadavg()[0]!;
// Event-loop delay over the whole start (store load, HTTP bind, rebuild) and
// over the rebuild alone (from the end of start() until the index is ready);
// garbage-collection pauses of this thread over the same span.
const whole = monitorEventLoopDelay({ resolution: 1 });
const loop = monitorEventLoopDelay({ resolution: 1 });
const pauses = () => ({ count: 0, totalMs: 0, maxMs: 0 });
const gc = { minor: pauses(), major: pauses() };
const gcEvents: { at: number; ms: number; kind: string }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const p = kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major;
    p.count++;
    p.totalMs += e.duration;
    if (e.duration > p.maxMs) p.maxMs = e.duration;
    gcEvents.push({
      at: performance.timeOrigin + e.startTime,
      ms: e.duration,
      kind: kind === constants.NODE_PERFORMANCE_GC_MINOR ? "minor" : `major(${kind})`,
    });
  }
});
// The startup rebuild waits until the poller is warm: its connection made
// and a few answers served (the route compiled on both sides), as on a
// gateway that serves health all the time. The first call of
// MeshModel.rebuild (the one App.start makes) is held until `release`.
const original = MeshModel.prototype.rebuild;
let release!: () => void;
const gate = new Promise<void>((r) => {
  release = r;
});
MeshModel.prototype.rebuild = function (this: MeshModel, ...a: Parameters<MeshModel["rebuild"]>) {
  MeshModel.prototype.rebuild = original;
  return gate.then(() => original.apply(this, a));
};
whole.enable();
const cpuStart = process.cpuUsage();
const app = new App({ config, log: silentLogger(), version: "bench", staticDir: null });
await app.start();
const allocFile = process.argv.includes("--alloc")
  ? process.argv[process.argv.indexOf("--alloc") + 1]
  : undefined;

// Polls /api/health every POLL_MS: WARM_UP requests first, then it waits for
// "go" and polls until the index is ready. Each request's start is sent on
// the shared wall clock (timeOrigin + now) so it can be set against the
// rebuild's own events.
const WARM_UP = 10;
/**
 * `--poll-ms N` (default 20): pause between health requests. A 100k rebuild
 * lasts 1-2 s, so at 20 ms its "p99" is the single slowest of about 60
 * requests; 5 ms gives a few hundred, where p99 is a percentile.
 */
const POLL_MS = arg("poll-ms", 20);
const poller = new Worker(
  `const { parentPort, workerData } = require("node:worker_threads");
   const http = require("node:http");
   const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
   const get = () => new Promise((ok) => http.get({ port: workerData.port, path: "/api/health", agent }, (res) => {
     let s = ""; res.on("data", (c) => { s += c; }); res.on("end", () => ok(s));
   }).on("error", () => ok("")));
   const pause = () => new Promise((r) => setTimeout(r, workerData.pollMs));
   (async function loop() {
     const warm = [];
     for (let i = 0; i < workerData.warmUp; i++) {
       const t = performance.now();
       await get();
       warm.push(performance.now() - t);
       await pause();
     }
     const go = new Promise((r) => parentPort.once("message", r));
     parentPort.postMessage({ warm });
     await go;
     const at = [], lat = [];
     for (;;) {
       const t = performance.now();
       const body = await get();
       at.push(performance.timeOrigin + t);
       lat.push(performance.now() - t);
       let ready = false;
       try { ready = JSON.parse(body).index.ready === true; } catch {}
       if (ready) break;
       await pause();
     }
     parentPort.postMessage({ at, lat });
   })();`,
  { eval: true, workerData: { port: app.httpPort(), warmUp: WARM_UP, pollMs: POLL_MS } },
);
const { warm } = await new Promise<{ warm: number[] }>((r) => poller.once("message", r));
const sampler = allocFile ? await allocSampler() : null;
loop.enable();
gcObserver.observe({ entryTypes: ["gc"] });
const rebuildAt = performance.timeOrigin + performance.now();
const timeline = process.argv.includes("--timeline") ? new Timeline() : null;
const schedStart = mainThreadSched();
release();
const done = new Promise<{ at: number[]; lat: number[] }>((r) => poller.once("message", r));
poller.postMessage("go");
const { at, lat } = await done;
timeline?.stop();
const schedEnd = mainThreadSched();
loop.disable();
const allocTop = sampler && allocFile ? await sampler.stop(allocFile) : null;
whole.disable();
const cpu = process.cpuUsage(cpuStart);
gcObserver.disconnect();
await poller.terminate();
const stats = app.mesh.stats();
const loadEnd = loadavg()[0]!;
await app.stop();
if (keep) rmSync(dataDir, { recursive: true, force: true });
else rmSync(work, { recursive: true, force: true });

const f = (x: number, d = 2) => x.toFixed(d);
const sorted = [...lat].sort((a, b) => a - b);
const pct = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
console.log(
  `Daemon startup rebuild over ${n} stored observations (${seededMs > 0 ? `seeded in ${f(seededMs / 1000, 1)} s` : "seeded before"}), ` +
    `sliceMs ${app.mesh.cfg.sliceMs}, Node ${process.version}, NODE_OPTIONS ${process.env.NODE_OPTIONS ?? "none"}, node flags ${process.execArgv.filter((a) => a.startsWith("--") && !a.startsWith("--import")).join(" ") || "none"}; 1-minute load average ${f(loadStart, 1)} at start, ${f(loadEnd, 1)} at end.`,
);
console.log("");
console.log("| measurement | value |");
console.log("|---|---|");
console.log(
  `| rebuild (start to ready) | ${f((stats.lastRebuildMs ?? 0) / 1000)} s, ${stats.counters.observations} observations folded in, ${stats.edges} evidence edges |`,
);
console.log(
  `| /api/health during it (${lat.length} requests): p50 / p99 / max | ${f(pct(50))} / ${f(pct(99))} / ${f(sorted.at(-1) ?? 0)} ms (goal p99 <= 20) |`,
);
console.log(
  `| /api/health before it: the poller's cold first request (new connection, new thread, route not yet served) / the other ${warm.length - 1} warm-up requests' max | ${f(warm[0] ?? 0)} / ${f(Math.max(0, ...warm.slice(1)))} ms |`,
);
const eld = (h: typeof loop) =>
  `${f(h.percentile(50) / 1e6)} / ${f(h.percentile(99) / 1e6)} / ${f(h.max / 1e6)} ms`;
console.log(`| event-loop delay during the rebuild: p50 / p99 / max | ${eld(loop)} |`);
console.log(
  `| event-loop delay from start (store load included): p50 / p99 / max | ${eld(whole)} |`,
);
if (schedStart && schedEnd) {
  console.log(
    `| main thread during the rebuild: on a CPU / runnable but waiting for one (other threads and processes had them) | ${f(schedEnd.runMs - schedStart.runMs, 0)} / ${f(schedEnd.waitMs - schedStart.waitMs, 0)} ms |`,
  );
}
for (const [name, p] of [
  ["minor (scavenge)", gc.minor],
  ["major and incremental", gc.major],
] as const) {
  console.log(
    `| GC pauses during the rebuild, ${name}: count / total / max | ${p.count} / ${f(p.totalMs)} / ${f(p.maxMs)} ms |`,
  );
}
// The old generation filling up as the new state grows: where the first full GC falls.
const firstMajor = gcEvents.find((g) => g.kind !== "minor" && g.at >= rebuildAt);
console.log(
  `| first major or incremental GC pause after the rebuild started | ${firstMajor ? `${f(firstMajor.at - rebuildAt, 0)} ms in` : "none"} |`,
);
const sch = stats.scheduler;
console.log(
  `| scheduler slices: count / steps / slice CPU p99 / slice CPU max / slice wall max | ${sch.slices} / ${sch.steps} / ${f(sch.sliceCpuP99Ms ?? Number.NaN)} / ${f(sch.longestSliceCpuMs ?? Number.NaN)} / ${f(sch.longestSliceMs)} ms (goal <= 50); ${sch.slowSlices} slices over twice the budget (wall) |`,
);
console.log(
  `| process CPU from start to ready (all threads): user / system | ${f(cpu.user / 1e6)} / ${f(cpu.system / 1e6)} s |`,
);

if (timeline) {
  // Each slow request beside what the main thread did meanwhile: how long
  // it ran and how long it waited for a CPU (contention, not work), and the
  // GC pauses that overlapped it.
  console.log("");
  console.log(`Requests over ${TIMELINE_MS} ms during the rebuild (ms from its start):`);
  console.log("");
  console.log("| at | took | main thread on a CPU / waiting for one | GC pauses overlapping |");
  console.log("|---|---|---|---|");
  for (let i = 0; i < at.length; i++) {
    if (lat[i]! <= TIMELINE_MS) continue;
    const from = at[i]!;
    const to = from + lat[i]!;
    const s = timeline.between(from, to);
    const pauses = gcEvents
      .filter((g) => g.at < to && g.at + g.ms > from)
      .map((g) => `${g.kind} ${f(g.ms)}`)
      .join(", ");
    console.log(
      `| ${f(from - rebuildAt, 0)} | ${f(lat[i]!)} | ${s ? `${f(s.runMs)} / ${f(s.waitMs)} (over ${f(s.spanMs)})` : "n/a"} | ${pauses || "none"} |`,
    );
  }
}

if (allocTop) {
  console.log("");
  console.log(
    `Main-thread allocations during the rebuild (sampled, ${f(allocTop.totalMB, 1)} MB in all):`,
  );
  console.log("");
  console.log("| function | MB allocated (self) |");
  console.log("|---|---|");
  for (const [name, mb] of allocTop.top) console.log(`| ${name} | ${f(mb, 1)} |`);
}

/** This (main) thread's time on a CPU and runnable but waiting for one (ms), from Linux schedstat; null elsewhere. */
function mainThreadSched(): { runMs: number; waitMs: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8")
      .split(" ")
      .map(Number);
    return run === undefined || wait === undefined
      ? null
      : { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

/** The inspector's sampling heap profiler, counting objects the GC already collected too. */
async function allocSampler() {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop(file: string) {
      const { profile } = await session.post("HeapProfiler.stopSampling");
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      const self = new Map<string, number>();
      let total = 0;
      const walk = (node: typeof profile.head) => {
        const cf = node.callFrame;
        const where = cf.url ? cf.url.split("/").slice(-2).join("/") : "";
        const name = `${cf.functionName || "(anonymous)"} ${where}`.trim();
        self.set(name, (self.get(name) ?? 0) + node.selfSize);
        total += node.selfSize;
        for (const c of node.children) walk(c);
      };
      walk(profile.head);
      const top = [...self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([name, bytes]) => [name, bytes / 1048576] as const);
      return { totalMB: total / 1048576, top };
    },
  };
}
