/**
 * The file-system calls the store makes, as a port so tests can inject
 * faults (ENOSPC, EROFS, torn writes). Synchronous on purpose: the store runs
 * in its own worker thread, and sync calls make the write order explicit.
 */
import * as fs from "node:fs";

export type FsPort = Pick<
  typeof fs,
  | "mkdirSync"
  | "readdirSync"
  | "readFileSync"
  | "openSync"
  | "writeSync"
  | "fsyncSync"
  | "fdatasyncSync"
  | "closeSync"
  | "renameSync"
  | "unlinkSync"
  | "statSync"
  | "ftruncateSync"
  | "existsSync"
>;

export const nodeFs: FsPort = fs;

/** fsync a directory so a rename in it survives a power cut; not all file systems allow it. */
export function fsyncDir(fsp: FsPort, dir: string): void {
  let fd: number | undefined;
  try {
    fd = fsp.openSync(dir, "r");
    fsp.fsyncSync(fd);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM") throw err;
  } finally {
    if (fd !== undefined) fsp.closeSync(fd);
  }
}

/** Write all of buf (writeSync may write less than asked). */
export function writeAll(fsp: FsPort, fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += fsp.writeSync(fd, buf, off, buf.length - off);
}

/** Files in dir whose name matches `re` (group 1: a decimal number), with that number, ascending. */
export function listNumbered(fsp: FsPort, dir: string, re: RegExp): { name: string; n: number }[] {
  const out: { name: string; n: number }[] = [];
  for (const name of fsp.readdirSync(dir) as string[]) {
    const m = re.exec(name);
    if (m) out.push({ name, n: Number(m[1]) });
  }
  return out.sort((a, b) => a.n - b.n);
}
