/**
 * One daemon per data directory. Two daemons on one store would each write
 * their own journal records and snapshots over the other's (the last snapshot
 * wins, the rest is lost), so the daemon takes `meshgate.lock` before it
 * opens the store and refuses to start while another live process holds it.
 *
 * The file holds the owner's PID and its start time (from /proc), so a lock
 * left by a killed daemon is taken over, even when its PID now belongs to an
 * unrelated process. Created with link(2), which is atomic: of two daemons
 * starting at once exactly one wins. Read-only users (`meshgate backup`) do
 * not take it.
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "./errors.ts";

export const LOCK_FILE = "meshgate.lock";

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

interface Owner {
  pid: number;
  /** Clock ticks since boot when the process started; null where /proc is absent. */
  start: number | null;
}

/** Field 22 of /proc/PID/stat (after the parenthesised command, which may hold spaces). */
function startTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.start === null) return true;
  const now = startTime(owner.pid);
  return now === null || now === owner.start;
}

function readOwner(path: string): Owner | null {
  try {
    const [pid, start] = readFileSync(path, "utf8").trim().split(/\s+/);
    const p = Number(pid);
    if (!Number.isInteger(p) || p <= 0) return null;
    const s = start === undefined || start === "-" ? null : Number(start);
    return { pid: p, start: s !== null && Number.isFinite(s) ? s : null };
  } catch {
    return null;
  }
}

/**
 * Takes the data directory's lock or throws StoreError E_STORE_LOCKED
 * ("data directory locked by PID N"). Creates the directory when missing.
 */
export function lockDataDir(dataDir: string, pid = process.pid): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const me = `${pid} ${startTime(pid) ?? "-"}\n`;
  const tmp = `${path}.${pid}.tmp`;
  writeFileSync(tmp, me);
  try {
    // Two tries: the second after clearing a lock its owner left behind.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(tmp, path);
        return {
          path,
          release: () => {
            try {
              if (readFileSync(path, "utf8") === me) unlinkSync(path);
            } catch {
              // Already gone.
            }
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const owner = readOwner(path);
      if (owner && owner.pid !== pid && alive(owner)) {
        throw new StoreError(
          "E_STORE_LOCKED",
          `data directory locked by PID ${owner.pid}: another meshgate uses ${dataDir} (stop it, or give this one its own --data-dir)`,
        );
      }
      // Stale (its process is gone), unreadable, or our own PID from a past life.
      try {
        unlinkSync(path);
      } catch {
        // Another starter removed it first; link again.
      }
    }
    throw new StoreError("E_STORE_LOCKED", `could not take the lock ${path}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing to clean.
    }
  }
}
