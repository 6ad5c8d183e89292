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

/** Total bytes of the files below a directory. */
export function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}
