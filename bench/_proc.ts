/** What the benches read of a running daemon from /proc and of its data directory on disk. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** A `kB` line of /proc/<pid>/status (VmRSS, VmHWM, ...); 0 when it is missing. */
export function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(
    readFileSync(`/proc/${pid}/status`, "utf8"),
  );
  return Number(m?.[1] ?? 0);
}

/**
 * CPU time (user + system, all threads) in clock ticks, from /proc/<pid>/stat:
 * the fields after the ")" of comm, where state is field 3, utime 14, stime 15.
 */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** /proc reports times in USER_HZ ticks, 100 a second on Linux. */
export const USER_HZ = 100;

/** CPU seconds (user + system, all threads) the process has used. */
export function cpuSeconds(pid: number): number {
  return cpuTicks(pid) / USER_HZ;
}

/** A counter of /proc/<pid>/io (write_bytes, wchar, ...); 0 when it is missing. */
export function ioField(pid: number, key: string): number {
  const m = new RegExp(`^${key}: (\\d+)`, "m").exec(readFileSync(`/proc/${pid}/io`, "utf8"));
  return Number(m?.[1] ?? 0);
}

/** Total bytes of the files below a directory. */
export function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}
