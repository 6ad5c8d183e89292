/**
 * Resource profile of the built daemon: `node dist/meshgate.mjs run` with the
 * simulator at 2 packets/s on a fresh data dir for a fixed window, sampling
 * the process (the store worker is a thread of the same pid, so it is
 * included) from /proc: VmRSS, utime+stime, write_bytes/wchar, and the data
 * dir's size. The daemon gets the systemd unit's malloc settings, as
 * installed. Prints a markdown table.
 *
 *   node --import tsx bench/profile.ts [--minutes N] [--rate PPS] [--no-build]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuTicks, dirSize, ioField, statusKb, USER_HZ } from "./_proc.ts";
import { envWithoutMalloc, unitDaemonArgv, unitMallocEnv } from "./_unit-env.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} needs a positive number`);
  return v;
};
const minutes = arg("--minutes", 3);
const rate = arg("--rate", 2);
const SAMPLE_MS = 2_000;

interface Sample {
  t: number;
  rssKb: number;
  hwmKb: number;
  cpuTicks: number;
  writeBytes: number;
  wchar: number;
  dirBytes: number;
}

function sample(pid: number, dataDir: string): Sample {
  return {
    t: performance.now(),
    rssKb: statusKb(pid, "VmRSS"),
    hwmKb: statusKb(pid, "VmHWM"),
    cpuTicks: cpuTicks(pid),
    writeBytes: ioField(pid, "write_bytes"),
    wchar: ioField(pid, "wchar"),
    dirBytes: dirSize(dataDir),
  };
}

async function observations(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/api/health`)).json()) as {
    store: { observations: number };
  };
  return h.store.observations;
}

function waitListening(child: ChildProcess, log: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line:\n${log()}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(log());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) => reject(new Error(`daemon exited ${code}:\n${log()}`)));
  });
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const bytes = (n: number) =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  if (!argv.includes("--no-build")) {
    execFileSync(process.execPath, [join(root, "build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  const work = mkdtempSync(join(tmpdir(), "meshgate-profile-"));
  const dataDir = join(work, "data");
  const cfg = join(work, "meshgate.yaml");
  writeFileSync(cfg, `simulator:\n  enabled: true\n  packetsPerSec: ${rate}\n`);
  const load0 = loadavg()[0] ?? 0;
  const child = spawn(process.execPath, unitDaemonArgv(cfg, dataDir), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...envWithoutMalloc(), ...unitMallocEnv() },
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const pid = child.pid ?? 0;
  try {
    const url = await waitListening(child, () => out);
    const first = sample(pid, dataDir);
    const obs0 = await observations(url);
    const samples: Sample[] = [first];
    const end = first.t + minutes * 60_000;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      if (child.exitCode !== null) throw new Error(`daemon exited early:\n${out}`);
      samples.push(sample(pid, dataDir));
    }
    const last = samples.at(-1) ?? first;
    const obs1 = await observations(url);
    report(samples, first, last, obs0, obs1, load0);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    rmSync(work, { recursive: true, force: true });
  }
}

function report(s: Sample[], first: Sample, last: Sample, o0: number, o1: number, load0: number) {
  const secs = (last.t - first.t) / 1000;
  const perHour = (d: number) => (d / secs) * 3600;
  // Steady state: the median RSS over the second half of the window.
  const tail = s
    .slice(Math.floor(s.length / 2))
    .map((x) => x.rssKb)
    .sort((a, b) => a - b);
  const steady = tail[Math.floor(tail.length / 2)] ?? last.rssKb;
  const cpu = ((last.cpuTicks - first.cpuTicks) / USER_HZ / secs) * 100;
  const disk = last.writeBytes - first.writeBytes;
  const wchar = last.wchar - first.wchar;
  const rows: [string, string][] = [
    ["window", `${(secs / 60).toFixed(1)} min, simulator ${rate} packets/s, ${s.length} samples`],
    ["RSS at start (listening)", mb(first.rssKb)],
    ["RSS steady (median, 2nd half)", mb(steady)],
    ["RSS max (VmHWM, incl. startup)", mb(Math.max(last.hwmKb, ...s.map((x) => x.rssKb)))],
    ["CPU average (one core = 100 %)", `${cpu.toFixed(1)} %`],
    ["disk writes (write_bytes) per hour", bytes(perHour(disk))],
    ["disk writes per day (extrapolated)", bytes(perHour(disk) * 24)],
    ["bytes handed to write() per hour (wchar)", bytes(perHour(wchar))],
    ["bytes handed to write() per day (extrapolated)", bytes(perHour(wchar) * 24)],
    ["data dir size at start / end", `${bytes(first.dirBytes)} / ${bytes(last.dirBytes)}`],
    ["data dir growth per day (extrapolated)", bytes(perHour(last.dirBytes - first.dirBytes) * 24)],
    ["observations stored in the window", `${o1 - o0} (${((o1 - o0) / secs).toFixed(2)}/s)`],
  ];
  console.log("| measure | value |\n| --- | --- |");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  const cpuName = cpus()[0]?.model ?? "?";
  console.log(
    `\nNode ${process.version}, ${cpus().length} x ${cpuName}; load average ${load0.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end.`,
  );
}

await main();
