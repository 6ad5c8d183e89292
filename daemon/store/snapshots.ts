/**
 * Snapshots: full SQLite files `snapshot-<seq>.sqlite` (seq = last journal
 * record they contain), written atomically: temp file, fsync, rename, fsync
 * the directory. A reader therefore sees either the old or the new file,
 * never a half-written one; bit rot is caught by PRAGMA quick_check on load.
 */
import { join } from "node:path";
import { type FsPort, fsyncDir, listNumbered } from "./fsport.ts";

const NAME = /^snapshot-(\d{16})\.sqlite$/;
const CHUNK = 4 * 1024 * 1024;

export interface SnapshotFile {
  readonly name: string;
  readonly seq: number;
}

export function snapshotName(seq: number): string {
  return `snapshot-${String(seq).padStart(16, "0")}.sqlite`;
}

/** Newest first. */
export function listSnapshots(fsp: FsPort, dir: string): SnapshotFile[] {
  return listNumbered(fsp, dir, NAME)
    .reverse()
    .map((f) => ({ name: f.name, seq: f.n }));
}

const yieldTick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Write bytes to dir/name atomically. Yields between 4 MB chunks so the
 * worker keeps answering queries and flushing the journal meanwhile.
 */
export async function writeAtomic(
  fsp: FsPort,
  dir: string,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  let fd: number | null = null;
  try {
    fd = fsp.openSync(tmp, "w");
    for (let off = 0; off < bytes.length; ) {
      const end = Math.min(bytes.length, off + CHUNK);
      while (off < end) off += fsp.writeSync(fd, bytes, off, end - off);
      if (off < bytes.length) await yieldTick();
    }
    fsp.fsyncSync(fd);
    fsp.closeSync(fd);
    fd = null;
    fsp.renameSync(tmp, join(dir, name));
    fsyncDir(fsp, dir);
  } catch (err) {
    if (fd !== null) {
      try {
        fsp.closeSync(fd);
      } catch {
        // Already failing; the original error is what matters.
      }
    }
    try {
      fsp.unlinkSync(tmp);
    } catch {
      // A temp file we cannot remove is cleaned up at the next start.
    }
    throw err;
  }
}
