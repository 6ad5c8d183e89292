/**
 * Store memory, measured the way the daemon runs the store: a child process
 * built like the release (esbuild bundle beside dist/store-worker.mjs, so the
 * worker runs without tsx) feeds synthetic observations through the worker
 * API, idles, and reports its RSS split into file-backed pages (the node
 * binary and libraries, shared with every other node process) and anonymous
 * memory. Also: a bare node process for the floor, and the peak (VmHWM)
 * during a snapshot. The probe gets the malloc settings of
 * systemd/meshgate.service, as the installed daemon does; one row shows
 * 100k observations without them. Run: node --import tsx
 * bench/store-memory.ts (BENCH_QUICK=1: 100k observations only).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { unitNodeFlags } from "../packaging/unit-flags.mjs";
import { envWithoutMalloc, unitMallocEnv } from "./_unit-env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const QUICK = process.env.BENCH_QUICK === "1";

if (!existsSync(join(dist, "store-worker.mjs")))
  execFileSync(process.execPath, [join(root, "build.mjs")], { stdio: "inherit" });
const probe = join(dist, "bench-store-memory-probe.mjs");
await esbuild.build({
  entryPoints: [join(root, "bench/_store-memory-probe.ts")],
  outfile: probe,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});

interface Stage {
  stage: string;
  rss: number;
  file: number;
  anon: number;
  hwm: number;
  dbMB?: number;
  observations?: number;
  ms?: number;
}

const mallocEnv = unitMallocEnv();
const plainEnv = envWithoutMalloc();

/** Runs the probe: `n` observations, optionally under a retention cap. */
function run(
  n: string,
  cap?: number,
  env: NodeJS.ProcessEnv = { ...plainEnv, ...mallocEnv },
): Stage[] {
  const dir = mkdtempSync(join(tmpdir(), "mg-bench-mem-"));
  try {
    const out = execFileSync(
      process.execPath,
      [...unitNodeFlags(), probe, n, dir, ...(cap ? [String(cap)] : [])],
      {
        env,
        encoding: "utf8",
        maxBuffer: 1 << 20,
      },
    );
    return out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Stage);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (x: number) => `${x.toFixed(1)} MB`;
const split = (s: Stage) => `${f(s.rss)} (file-backed ${f(s.file)}, anonymous ${f(s.anon)})`;
const rows: [string, string, string][] = [];
const bare = run("bare")[0]!;
rows.push(["bare node process (the floor any Node daemon pays)", split(bare), ""]);
const empty = run("0");
rows.push(["store started, empty (worker + sql.js loaded)", split(empty[0]!), ""]);
for (const n of QUICK ? [100_000] : [100_000, 1_000_000]) {
  const st = run(String(n));
  const by = (k: string) => st.find((s) => s.stage === k)!;
  const ing = by("ingested");
  const snap = by("snapshot");
  const after = by("after snapshot");
  const label = n.toLocaleString("en");
  rows.push([
    `steady RSS after ${label} observations, DB ${f(ing.dbMB ?? 0)} (${(((ing.dbMB ?? 0) * 1048576) / n).toFixed(0)} B/obs)`,
    split(ing),
    n === 100_000 ? "<= 80 MB" : "",
  ]);
  rows.push([
    `peak RSS (VmHWM) during a snapshot at ${label} (${snap.ms} ms)`,
    f(snap.hwm),
    `<= 2.5 x DB + 60 MB = ${f(2.5 * (ing.dbMB ?? 0) + 60)}`,
  ]);
  rows.push([`steady RSS 5 s after that snapshot, ${label}`, split(after), ""]);
  if (n === 100_000) {
    const plain = run(String(n), undefined, plainEnv).find((s) => s.stage === "ingested")!;
    rows.push([`the same ${label} observations, glibc malloc defaults`, split(plain), ""]);
  }
}
// At a retention cap, as a gateway runs for months: pruning and automatic
// snapshots included; the peak covers the whole run.
for (const [cap, n, what] of [
  [64, 300_000, "the default cap"],
  [16, 100_000, "the OpenWrt low-memory profile's cap"],
] as const) {
  const st = run(String(n), cap);
  const ing = st.find((s) => s.stage === "ingested")!;
  const snap = st.find((s) => s.stage === "snapshot")!;
  rows.push([
    `${what}, store.maxDbMB ${cap}: steady RSS after ${n.toLocaleString("en")} observations (DB file ${f(ing.dbMB ?? 0)}, ${(ing.observations ?? 0).toLocaleString("en")} kept); peak while ingesting; peak during a snapshot`,
    `${split(ing)}; ${f(ing.hwm)}; ${f(snap.hwm)}`,
    "",
  ]);
}
const settings = Object.entries(mallocEnv)
  .map(([k, v]) => `${k}=${v}`)
  .join(" ");
console.log(
  `\n| store memory (${QUICK ? "quick" : "full"}, node ${process.version}; ${settings || "no malloc settings in the unit"}) | result | goal |`,
);
console.log("| --- | --- | --- |");
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
