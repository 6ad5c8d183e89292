/**
 * The backup download (GET /api/system/backup) on a seeded history: the
 * daemon from source on a data directory holding `--history` observations
 * over `--days` days (archived into partitions as the daemon does), then one
 * download read as it streams (nothing kept here). Prints the tar's size
 * beside the hot DB and archive sizes, the daemon's RSS before, at its peak
 * during (sampled from /proc every 20 ms; the store worker is a thread of
 * the same pid) and after, the daemon's CPU time for the download, and the
 * wall time with the load average.
 *
 *   node --import tsx bench/backup.ts [--history 200000] [--days 20]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seed } from "./_history-seed.ts";
import { cpuSeconds, statusKb } from "./_proc.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const history = arg("history", 200_000);
const days = arg("days", 20);
const TOKEN = "bench-backup-token-0123456789";
const MB = 1024 * 1024;

async function listening(child: ChildProcess): Promise<string> {
  let out = "";
  return new Promise((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    child.once("exit", (code) => reject(new Error(`daemon exited with ${code}:\n${out}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), "meshgate-bench-backup-"));
const dataDir = join(dir, "data");
try {
  const seeded = await seed(dataDir, history, { days, nodes: 60 });
  const cfg = join(dir, "config.yaml");
  writeFileSync(cfg, `http:\n  token: ${TOKEN}\nsimulator:\n  enabled: false\n`);
  const child = spawn(
    process.execPath,
    [
      ...["--import", "tsx", "daemon/main.ts", "run", "--config", cfg, "--data-dir", dataDir],
      ...["--port", "0", "--host", "127.0.0.1"],
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } },
  );
  const pid = child.pid ?? 0;
  try {
    const url = await listening(child);
    const health = async () =>
      (await (await fetch(`${url}/api/health`)).json()) as {
        index: { ready: boolean };
        store: { dbBytes: number; archive: { partitions: number; bytes: number } | null };
      };
    while (!(await health()).index.ready) await new Promise((r) => setTimeout(r, 200));
    const h = await health();
    await new Promise((r) => setTimeout(r, 2000));
    const rssBefore = statusKb(pid, "VmRSS");
    let peak = rssBefore;
    const timer = setInterval(() => {
      peak = Math.max(peak, statusKb(pid, "VmRSS"));
    }, 20);
    const cpu0 = cpuSeconds(pid);
    const load0 = loadavg()[0]!;
    const t0 = performance.now();
    const res = await fetch(`${url}/api/system/backup`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      bytes += chunk.length;
    const ms = performance.now() - t0;
    clearInterval(timer);
    const cpu = cpuSeconds(pid) - cpu0;
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfter = statusKb(pid, "VmRSS");
    const f = (n: number, d = 1) => n.toFixed(d);
    console.log(
      `| history | hot DB | archive (partitions) | tar | daemon RSS before / peak during / after | daemon CPU | wall |`,
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    console.log(
      `| ${history.toLocaleString("en")} obs over ${days} days | ${f(h.store.dbBytes / MB)} MiB | ${f((h.store.archive?.bytes ?? 0) / MB)} MiB (${h.store.archive?.partitions ?? 0}) | ${f(bytes / MB)} MiB | ${f(rssBefore / 1024)} / ${f(peak / 1024)} / ${f(rssAfter / 1024)} MiB | ${f(cpu, 2)} s | ${f(ms / 1000, 2)} s |`,
    );
    console.log(
      `\nstatus ${res.status}; seeded in ${f(seeded.ms / 1000)} s; 1-minute load average ${f(load0, 2)} at start, ${f(loadavg()[0]!, 2)} at end; Node ${process.version}.`,
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
