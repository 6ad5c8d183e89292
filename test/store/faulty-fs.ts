/**
 * A file-system port that fails on demand like a full or read-only disk:
 * while a fault is set, the first write of a call sequence lands half its
 * bytes (a torn write), then every write, open-for-write, fsync, rename and
 * mkdir throws an error with that errno code. Reads still work.
 */
import { existsSync, readFileSync } from "node:fs";
import { type FsPort, nodeFs } from "../../daemon/store/fsport.ts";

export function makeFaultyFs(fault: () => string | null): FsPort & { faults: number } {
  let tornOnce = false;
  const fail = (what: string) => {
    const code = fault();
    if (!code) {
      tornOnce = false;
      return;
    }
    port.faults++;
    throw Object.assign(new Error(`${code}: injected fault on ${what}`), { code });
  };
  const port: FsPort & { faults: number } = {
    ...nodeFs,
    faults: 0,
    openSync: ((path: string, flags?: string, mode?: number) => {
      if (flags && /[wa+]/.test(flags)) fail("open");
      return nodeFs.openSync(path, flags ?? "r", mode);
    }) as FsPort["openSync"],
    writeSync: ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
      const n = len ?? buf.length - (off ?? 0);
      if (fault() && !tornOnce && n > 16) {
        tornOnce = true;
        return nodeFs.writeSync(fd, buf, off ?? 0, Math.floor(n / 2));
      }
      fail("write");
      return nodeFs.writeSync(fd, buf, off ?? 0, n);
    }) as FsPort["writeSync"],
    fsyncSync: (fd) => {
      fail("fsync");
      nodeFs.fsyncSync(fd);
    },
    fdatasyncSync: (fd) => {
      fail("fdatasync");
      nodeFs.fdatasyncSync(fd);
    },
    renameSync: (a, b) => {
      fail("rename");
      nodeFs.renameSync(a, b);
    },
    mkdirSync: ((p: string, o?: { recursive?: boolean }) => {
      if (!existsSync(p)) fail("mkdir");
      return nodeFs.mkdirSync(p, o);
    }) as FsPort["mkdirSync"],
  };
  return port;
}

/**
 * For the store worker (option fsModule): the fault is the content of the
 * file named by MG_FAULT_FILE ("ENOSPC", "EROFS", or "CRASH" to end the
 * worker thread), absent = healthy disk.
 */
const faultFile = process.env.MG_FAULT_FILE;
export const fs = makeFaultyFs(() => {
  if (!faultFile || !existsSync(faultFile)) return null;
  const fault = readFileSync(faultFile, "utf8").trim() || null;
  // "CRASH": the worker dies in the middle of a write, as on a fatal error.
  if (fault === "CRASH") process.exit(70);
  return fault;
});
