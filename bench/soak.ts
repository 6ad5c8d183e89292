/**
 * Soak: the built daemon (`node dist/meshgate.mjs run`, the systemd unit's
 * malloc settings, default store settings) on a data directory that already
 * holds a long history, fed live by its simulator radio, sampled from /proc
 * (the store worker is a thread of the same pid). For each history size the
 * data directory is first seeded in this process through the store engine:
 * observations with receive times spread over the last `--days` days, with
 * adverts from `--nodes` nodes, archived into partitions as the daemon does.
 * Prints one table row per history size: RSS at first HTTP 200, steady
 * (median of the second half), high-water (VmHWM), slope over the second
 * half, time to the first HTTP 200 and until /api/health says the mesh model
 * is ready (with the nodes and edges it holds at the end), block-layer writes per hour, and what /api/health says of the
 * hot DB, archive and worker memory at the end. Then the anchor: the same
 * history and rate on a disk-backed SQLite (bench/_sqlite-anchor.mjs, for
 * `--anchor-seconds`), and meshgate's steady RSS as a ratio of its.
 *
 *   node --import tsx bench/soak.ts [--history 100000,1000000] [--minutes 3]
 *     [--rate 2] [--days 30] [--nodes 60] [--edges N] [--sim-nodes N] [--hot-mb N] [--anchor-seconds 60]
 *     [--no-build] [--smaps] [--seed-cache DIR] [--no-anchor]
 *     [--node-options STR] [--node-args STR] [--env K=V,K=V] [--ui] [--broker URL]
 *
 * --smaps: after each row's run, where the daemon's RSS is (bench/_rss-breakdown.ts:
 * /proc smaps grouped by mapping, and each thread's V8 heap through
 * bench/_heap-probe.mjs preloaded into the daemon), and the same for a bare
 * `node -e "setInterval(() => {}, 1000)"` with the unit's environment: the
 * floor under any Node daemon. --seed-cache DIR: seed each history once into
 * DIR and copy it for each run (the daemon changes its data directory).
 * --no-anchor: skip the disk SQLite anchor (for comparing daemon changes).
 * --samples FILE: append every sample as a CSV line (history, seconds since
 * the first HTTP 200, RSS kB, bytes written) while the run goes on, so a
 * 2-hour soak can be watched and plotted.
 * --node-options STR: the daemon's NODE_OPTIONS instead of the unit's;
 * --node-args STR: flags on node's command line before the daemon's script
 * instead of the unit's (V8 flags NODE_OPTIONS refuses; "" for none);
 * --env K=V,K=V: variables over the unit's.
 * --ui: one visitor for the whole run, as a browser tab left open: every
 * file of the web UI (source maps too, as developer tools fetch them) and
 * the API reads of its pages, again every minute, and a /ws feed held open.
 * --broker URL: the daemon publishes to this MQTT broker (one `mqtt.brokers`
 * entry with its defaults; start one first, e.g. `mosquitto -p 18830` and
 * `--broker mqtt://127.0.0.1:18830`). Without it no broker is configured,
 * as by default, and the mqtt package is never loaded.
 * --edges N: the data directory also holds a saved mesh model of the
 * history's nodes and about N evidence edges (bench/_mesh-seed.ts), which
 * the daemon restores; without it the model holds what the hot window's
 * random 1-byte paths give (a few thousand edges at 20,000 nodes). Past the
 * default cap the daemon's `mesh.maxEdges` is raised to 1.2 N, so none is
 * pruned for the cap.
 * --restart-after MIN: a first daemon runs MIN minutes on the seeded
 * directory first (past 5 the mesh model has saved its tables), then is
 * stopped by --restart-by kill (SIGKILL, a power cut: its journal is
 * replayed at the next start; the default) or term (a clean stop, which
 * writes a snapshot); the row measures the start after it.
 *
 * The issue's full goals ask for 5M observations and a 2-hour soak at 30
 * packets/s: `--history 5000000 --minutes 120 --rate 30`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ANALYTICS_KINDS } from "../daemon/http/ports.ts";
import { MESH_SCHEMA } from "../daemon/mesh/config-schema.ts";
import { TABLES_VERSION } from "../daemon/mesh/persist.ts";
import { unitNodeFlags } from "../packaging/unit-flags.mjs";
import { seed } from "./_history-seed.ts";
import { seedMesh } from "./_mesh-seed.ts";
import { cpuSeconds, dirSize, ioField, statusKb } from "./_proc.ts";
import { breakdown, formatBreakdown, readHeaps } from "./_rss-breakdown.ts";
import { envWithoutMalloc, unitDaemonArgv, unitEnv } from "./_unit-env.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? dflt) : dflt;
};
const num = (name: string, dflt: number): number => {
  const v = Number(opt(name, String(dflt)));
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} needs a positive number`);
  return v;
};
const histories = opt("--history", "100000,1000000").split(",").map(Number);
const minutes = num("--minutes", 3);
const rate = num("--rate", 2);
const days = num("--days", 30);
const nodes = num("--nodes", 60);
const edges = argv.includes("--edges") ? num("--edges", 50_000) : 0;
const DEFAULT_MAX_EDGES = MESH_SCHEMA.properties.maxEdges.default;
/** store.hotMB for the daemon and the seeding (default: the config schema's). */
const hotMB = argv.includes("--hot-mb") ? num("--hot-mb", 8) : undefined;
const anchorSeconds = num("--anchor-seconds", 60);
const smaps = argv.includes("--smaps");
const noAnchor = argv.includes("--no-anchor");
/** --node-options STR: the daemon's NODE_OPTIONS instead of the unit's (to measure a flag before it goes in the unit). */
const nodeOptions = argv.includes("--node-options") ? opt("--node-options", "") : undefined;
/** --node-args STR: flags before the daemon's script on node's command line (V8 flags NODE_OPTIONS refuses). */
const nodeArgs = argv.includes("--node-args")
  ? opt("--node-args", "").split(" ").filter(Boolean)
  : unitNodeFlags();
/** --env K=V,K=V: variables set over the unit's (e.g. other MALLOC_* values). */
const envOver = Object.fromEntries(
  opt("--env", "")
    .split(",")
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const ui = argv.includes("--ui");
const broker = argv.includes("--broker") ? opt("--broker", "") : "";
if (argv.includes("--broker") && !/^(mqtt|ws):\/\//.test(broker))
  throw new Error(`--broker: an mqtt:// or ws:// URL, not "${broker}"`);
const seedCache = argv.includes("--seed-cache") ? opt("--seed-cache", "") : "";
const samplesFile = argv.includes("--samples") ? opt("--samples", "") : "";
const restartAfter = argv.includes("--restart-after") ? num("--restart-after", 6) : 0;
const restartBy = opt("--restart-by", "kill");
if (restartBy !== "kill" && restartBy !== "term")
  throw new Error(`--restart-by: kill or term, not ${restartBy}`);
const PROBE = join(root, "bench/_heap-probe.mjs");
/** Breakdowns printed after the table (--smaps). */
const breakdowns: string[] = [];
const SAMPLE_MS = 2_000;
/**
 * The live simulator's nodes (default: --nodes, at most 60). The history
 * brings the rest: a 2,000-node simulator holds its own topology (about
 * 360,000 links, some 45 MB of heap), which would measure the simulator
 * rather than the daemon's mesh model.
 */
const simNodes = num("--sim-nodes", Math.min(nodes, 60));
/** The daemon's environment: the unit's memory settings (MALLOC_*, NODE_OPTIONS), nothing else of ours. */
const daemonEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...envWithoutMalloc(), ...unitEnv() };
  if (!unitEnv().NODE_OPTIONS) delete env.NODE_OPTIONS;
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  return { ...env, ...envOver };
};
/**
 * Where the heap probe (--smaps) of the run in `work` writes. It writes a
 * file a second per thread, some 7 MiB/h the daemon's write counter would
 * count as its own: in memory (/dev/shm) where there is one.
 */
const probeDir = (work: string): string =>
  existsSync("/dev/shm") ? join("/dev/shm", `meshgate-probe-${basename(work)}`) : work;

/** The daemon's environment plus the heap probe (--smaps). */
const probedEnv = (work: string): NodeJS.ProcessEnv => {
  const env = daemonEnv();
  if (!smaps) return env;
  const dir = probeDir(work);
  mkdirSync(dir, { recursive: true });
  return {
    ...env,
    NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} --import ${PROBE}`.trim(),
    MESHGATE_HEAP_PROBE_DIR: dir,
  };
};

const writeBytes = (pid: number): number => ioField(pid, "write_bytes");

/** The daemon of the row being run: stopped with the bench (an interrupted 2-hour soak leaves no daemon behind). */
let running: ChildProcess | null = null;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    running?.kill("SIGTERM");
    process.exit(130);
  });

/** The API reads the UI's pages make (web/src/pages). */
const UI_READS = [
  "/api/health",
  "/api/stats",
  "/api/nodes",
  "/api/packets?limit=100",
  "/api/channels",
  "/api/radios",
  "/api/graph",
  ...ANALYTICS_KINDS.map((k) => `/api/analytics?kind=${k}&range=24h`),
];

/** --ui: one page visit: every file under dist/web, then the API reads. */
async function visit(url: string): Promise<void> {
  const web = join(root, "dist/web");
  const files = readdirSync(web, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(web.length));
  for (const path of [...files, ...UI_READS]) {
    const r = await fetch(`${url}${path}`, { headers: { "accept-encoding": "gzip" } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`--ui: ${path} answered ${r.status}`);
  }
}

/** --ui: a /ws client held open, counting what it receives. */
function liveFeed(url: string): { close(): void; messages(): number } {
  let n = 0;
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
  ws.addEventListener("message", () => n++);
  return { close: () => ws.close(), messages: () => n };
}

/** Polls /api/health until it answers 200; returns the URL and ms since spawn. */
async function firstOk(
  child: ChildProcess,
  log: () => string,
  t0: number,
): Promise<[string, number]> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}:\n${log()}`);
    const url = /listening on (http:\/\/\S+)/.exec(log())?.[1];
    if (url) {
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return [url, performance.now() - t0];
    }
    if (performance.now() - t0 > 120_000) throw new Error(`no HTTP 200 in 120 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** ms since t0 until /api/health reports the mesh model ready (polled every 100 ms; null past 120 s). */
async function meshReady(url: string, t0: number): Promise<number | null> {
  while (performance.now() - t0 < 120_000) {
    const ready = await fetch(`${url}/api/health`).then(
      async (r) => ((await r.json()) as { index?: { ready?: boolean } }).index?.ready === true,
      () => false,
    );
    if (ready) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** The anchor's steady RSS (MB) on the same history and rate. */
function anchor(n: number, dir: string): { steady: number; hwm: number } {
  const out = execFileSync(
    process.execPath,
    [join(root, "bench/_sqlite-anchor.mjs"), String(n), String(anchorSeconds), String(rate), dir],
    { encoding: "utf8", env: daemonEnv() },
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { steady: number; hwm: number };
}

interface StoreReport {
  observations: number;
  hotBytes: number;
  archive: { bytes: number; partitions: number } | null;
  memory: { wasmBytes: number; workerHeapBytes: number } | null;
}

async function soak(n: number): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), "meshgate-soak-"));
  const dataDir = join(work, "data");
  try {
    const s = await seeded(dataDir, n);
    const cfg = join(work, "meshgate.yaml");
    const store = hotMB ? `store:\n  hotMB: ${hotMB}\n` : "";
    const mqtt = broker ? `mqtt:\n  brokers:\n    - id: soak\n      url: ${broker}\n` : "";
    const mesh = edges > DEFAULT_MAX_EDGES ? `mesh:\n  maxEdges: ${Math.ceil(edges * 1.2)}\n` : "";
    writeFileSync(
      cfg,
      `${store}${mqtt}${mesh}simulator:\n  enabled: true\n  nodes: ${simNodes}\n  packetsPerSec: ${rate}\n`,
    );
    if (restartAfter > 0) await runBefore(cfg, dataDir, work);
    const t0 = performance.now();
    const { child, log } = startDaemon(cfg, dataDir, work);
    const pid = child.pid ?? 0;
    try {
      const [url, okMs] = await firstOk(child, log, t0);
      const ready = meshReady(url, t0);
      const rss0 = statusKb(pid, "VmRSS");
      const cpu0 = cpuSeconds(pid);
      const w0 = writeBytes(pid);
      const samples: { t: number; kb: number; w: number }[] = [];
      const end = performance.now() + minutes * 60_000;
      const feed = ui ? liveFeed(url) : null;
      let nextVisit = performance.now();
      // The visitor comes once the mesh model is ready (before, its pages
      // answer 503 with the progress).
      let meshUp = false;
      void ready.then(() => {
        meshUp = true;
      });
      while (performance.now() < end) {
        if (ui && meshUp && performance.now() >= nextVisit) {
          await visit(url);
          nextVisit += 60_000;
        }
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        if (child.exitCode !== null) throw new Error(`daemon exited early:\n${log()}`);
        const sample = { t: performance.now(), kb: statusKb(pid, "VmRSS"), w: writeBytes(pid) };
        samples.push(sample);
        if (samplesFile)
          appendFileSync(
            samplesFile,
            `${n},${((sample.t - t0 - okMs) / 1000).toFixed(1)},${sample.kb},${sample.w - w0}\n`,
          );
      }
      feed?.close();
      if (feed && feed.messages() === 0) throw new Error("--ui: the /ws feed received nothing");
      const hwm = statusKb(pid, "VmHWM");
      const cpuEnd = cpuSeconds(pid);
      const written = writeBytes(pid) - w0;
      // After warm-up: start-up work (the mesh model's first save, a pass
      // over rows that aged while the daemon was down) is not the hourly rate.
      const mid = samples[Math.floor(samples.length / 2)];
      const last = samples.at(-1);
      const lateRate =
        mid && last && last.t > mid.t ? ((last.w - mid.w) / (last.t - mid.t)) * 3_600_000 : 0;
      const h = (await (await fetch(`${url}/api/health`)).json()) as { store: StoreReport };
      const readyMs = await ready;
      const mesh = meshSize(await (await fetch(`${url}/metrics`)).text());
      if (smaps)
        breakdowns.push(
          ...formatBreakdown(
            `daemon, ${n.toLocaleString("en")} observations, ${nodes} nodes, after ${minutes} min`,
            breakdown(pid, h.store.memory?.wasmBytes ?? 0),
            readHeaps(probeDir(work)),
          ),
          "",
        );
      const tail = samples.slice(Math.floor(samples.length / 2));
      const sorted = tail.map((x) => x.kb).sort((a, b) => a - b);
      const steady = sorted[Math.floor(sorted.length / 2)] ?? rss0;
      const secs = ((samples.at(-1)?.t ?? t0) - (samples[0]?.t ?? t0)) / 1000;
      const mb = (kb: number) => (kb / 1024).toFixed(1);
      const MiB = (b: number) => (b / 1048576).toFixed(1);
      return [
        n.toLocaleString("en"),
        `${(s.ms / 1000).toFixed(0)} s, ${s.partitions}`,
        `${(okMs / 1000).toFixed(2)} s`,
        `${cpu0.toFixed(2)} / ${(((cpuEnd - cpu0) / secs) * 100).toFixed(1)}%`,
        `${readyMs === null ? "not in 120 s" : `${(readyMs / 1000).toFixed(2)} s`} (${mesh})`,
        mb(rss0),
        mb(steady),
        mb(hwm),
        slope(tail).toFixed(1),
        `${MiB((written / secs) * 3600)} / ${MiB(lateRate)}`,
        `${MiB(h.store.hotBytes)} / ${MiB(h.store.archive?.bytes ?? 0)} (${h.store.archive?.partitions ?? 0})`,
        `${MiB(h.store.memory?.wasmBytes ?? 0)} / ${MiB(h.store.memory?.workerHeapBytes ?? 0)}`,
        MiB(dirSize(dataDir)),
        String(steady / 1024),
      ];
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(probeDir(work), { recursive: true, force: true });
  }
}

/** The built daemon on dataDir with the unit's environment; its output collected. */
function startDaemon(
  cfg: string,
  dataDir: string,
  work: string,
): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, unitDaemonArgv(cfg, dataDir, nodeArgs), {
    stdio: ["ignore", "pipe", "pipe"],
    env: probedEnv(work),
  });
  running = child;
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  return { child, log: () => out };
}

/** --restart-after: a first daemon on dataDir for that long, then killed or stopped. */
async function runBefore(cfg: string, dataDir: string, work: string): Promise<void> {
  const { child, log } = startDaemon(cfg, dataDir, work);
  const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
  try {
    await firstOk(child, log, performance.now());
    await new Promise((r) => setTimeout(r, restartAfter * 60_000));
    if (child.exitCode !== null) throw new Error(`first daemon exited early:\n${log()}`);
  } finally {
    child.kill(restartBy === "kill" ? "SIGKILL" : "SIGTERM");
    await exited;
  }
}

/** The seeded history in dataDir: seeded there, or copied from --seed-cache (seeded into it once). */
async function seeded(dataDir: string, n: number): Promise<{ ms: number; partitions: number }> {
  const shape = { days, nodes, ...(hotMB && { hotMB }) };
  const both = async (dir: string) => {
    const s = await seed(dir, n, shape);
    if (edges) await seedMesh(dir, shape, edges);
    return s;
  };
  if (!seedCache) return both(dataDir);
  // The name changes with the seed's shape (v3: random node keys, positions in
  // microdegrees) and, with --edges, with the mesh tables' version: a seed of
  // older tables would measure their upgrade, not the model.
  const saved = edges ? `-${edges}e-t${TABLES_VERSION}` : "";
  const name = `${n}-${days}d-${nodes}n${saved}-${hotMB ?? "default"}mb-v3`;
  const cached = join(seedCache, name);
  const info = join(seedCache, `${name}.json`);
  if (!existsSync(info)) {
    rmSync(cached, { recursive: true, force: true });
    writeFileSync(info, JSON.stringify(await both(cached)));
  }
  cpSync(cached, dataDir, { recursive: true });
  return JSON.parse(readFileSync(info, "utf8")) as { ms: number; partitions: number };
}

/** Bare node with the unit's environment: the floor under any Node daemon (--smaps). */
async function bareNode(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), "meshgate-bare-"));
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
    stdio: "ignore",
    env: probedEnv(work),
  });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    return formatBreakdown(
      `bare node ${process.version} (\`node -e "setInterval(() => {}, 1000)"\`), same environment`,
      breakdown(child.pid ?? 0),
      readHeaps(probeDir(work)),
    );
  } finally {
    child.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
    rmSync(probeDir(work), { recursive: true, force: true });
  }
}

/** The anchor's cells for a row whose last cell is meshgate's steady RSS in MB (replaced). */
function withAnchor(n: number, row: string[]): string[] {
  if (noAnchor) return [...row.slice(0, -1), "-", "-"];
  const work = mkdtempSync(join(tmpdir(), "meshgate-anchor-"));
  try {
    const a = anchor(n, work);
    const steady = Number(row.pop());
    return [...row, a.steady.toFixed(1), (steady / a.steady).toFixed(2)];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The mesh model's nodes and edges at the end, from /metrics (meshgate_mesh_size). */
function meshSize(metrics: string): string {
  const size = (kind: string) =>
    Number(
      metrics.match(new RegExp(`^meshgate_mesh_size\\{kind="${kind}"\\} (\\d+)$`, "m"))?.[1] ?? NaN,
    );
  return `${size("nodes").toLocaleString("en")} nodes, ${size("edges").toLocaleString("en")} edges`;
}

/** Least-squares RSS slope in MB/hour. */
function slope(s: readonly { t: number; kb: number }[]): number {
  if (s.length < 2) return 0;
  const xs = s.map((p) => p.t / 3_600_000);
  const ys = s.map((p) => p.kb / 1024);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

if (!argv.includes("--no-build"))
  execFileSync(process.execPath, [join(root, "build.mjs"), "--quiet"], { stdio: "inherit" });
const load0 = loadavg()[0] ?? 0;
console.log(
  "| history (obs) | seed time, partitions | first HTTP 200 | CPU s to first 200 / CPU after it (% of a core) | mesh ready (nodes, edges at the end) | RSS at 200 (MB) | RSS steady (MB) | RSS high-water (MB) | slope (MB/h) | writes MiB/h (whole run / second half) | hot / archive MiB (partitions) | worker wasm / heap MiB | data dir MiB | disk SQLite anchor steady (MB) | meshgate / anchor |",
);
console.log(`|${" --- |".repeat(15)}`);
for (const n of histories) console.log(`| ${withAnchor(n, await soak(n)).join(" | ")} |`);
if (smaps) console.log(["", ...breakdowns, ...(await bareNode())].join("\n"));
console.log(
  `\n${ui ? "one UI visitor (--ui); " : ""}${broker ? `publishing to ${broker} (--broker); ` : ""}store.hotMB ${hotMB ?? "default"}; NODE_OPTIONS ${daemonEnv().NODE_OPTIONS ?? "none"}; node args ${nodeArgs.join(" ") || "none"}; env over the unit's ${JSON.stringify(envOver)}; anchor: node:sqlite, WAL, ${anchorSeconds} s; ${minutes} min per row at ${rate} packets/s (simulator, ${simNodes} nodes; history from ${nodes}), history over ${days} days; ${restartAfter > 0 ? `measured after a first daemon ran ${restartAfter} min and was stopped by ${restartBy === "kill" ? "SIGKILL" : "SIGTERM"}; ` : ""}Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "?"}; load average ${load0.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end.`,
);
