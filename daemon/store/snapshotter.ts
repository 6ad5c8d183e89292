/**
 * The engine's snapshot writer: one snapshot at a time, written atomically
 * (snapshots.ts), failures counted, reported and retried with backoff (1 s
 * doubling to 60 s) while the previous snapshot stays untouched, and after a
 * good one the files it makes redundant removed: two snapshots are kept, and
 * the journal back to the older one (the fallback if the newest is
 * unreadable).
 */
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { ioCode, StoreError } from "./errors.ts";
import type { FsPort } from "./fsport.ts";
import { listJournals } from "./journal.ts";
import { listSnapshots, snapshotName, writeAtomic } from "./snapshots.ts";

export interface SnapshotHost {
  readonly fsp: FsPort;
  readonly dataDir: string;
  readonly log: Logger;
  now(): number;
  count(name: string): void;
  /** After each snapshot, written or failed (the worker runs a full GC: the export was a whole copy). */
  afterSnapshot?(): void;
}

/** What a snapshot holds: the DB image covering journal records up to seq. */
export interface SnapshotImage {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

export class Snapshotter {
  private running: Promise<void> | null = null;
  private retryAt = 0;
  private backoff = 0;
  /** The last write failure still in effect, else null. */
  error: string | null = null;
  lastAt: number | null = null;
  lastMs: number | null = null;

  constructor(private readonly h: SnapshotHost) {}

  /** The snapshot being written, if any. */
  get pending(): Promise<void> | null {
    return this.running;
  }

  /** Whether a new snapshot may start now (none running, not backing off). */
  ready(): boolean {
    return this.running === null && this.h.now() >= this.retryAt;
  }

  /**
   * Write the image `take()` returns (called synchronously, so the image is
   * the DB as of now); `written()` runs once it is durable. Resolves when
   * written, rejects (after counting and logging) when the write failed.
   */
  run(take: () => SnapshotImage, written: () => void): Promise<void> {
    if (this.running) return this.running;
    this.running = this.write(take, written).finally(() => {
      this.running = null;
      this.h.afterSnapshot?.();
    });
    return this.running;
  }

  private async write(take: () => SnapshotImage, written: () => void): Promise<void> {
    const h = this.h;
    const t0 = performance.now();
    const { seq, bytes } = take();
    try {
      await writeAtomic(h.fsp, h.dataDir, snapshotName(seq), bytes);
    } catch (err) {
      const code = ioCode(err);
      h.count("snapshot_errors");
      this.backoff = Math.min(60_000, this.backoff ? this.backoff * 2 : 1000);
      this.retryAt = h.now() + this.backoff;
      if (this.error === null)
        h.log.error("snapshot write failed; previous snapshot kept", { code });
      this.error = `snapshot: ${code}`;
      throw new StoreError("E_STORE_IO", `snapshot write failed: ${code}`, { cause: err });
    }
    if (this.error) h.log.info("snapshot writes recovered", { after: this.error });
    this.error = null;
    this.backoff = 0;
    written();
    this.lastAt = h.now();
    this.lastMs = Math.round(performance.now() - t0);
    h.count("snapshots");
    h.log.debug("snapshot written", { seq, bytes: bytes.length, ms: this.lastMs });
    this.cleanup();
  }

  /** Keep two snapshots and the journal back to the older one. */
  private cleanup(): void {
    const { fsp, dataDir: dir } = this.h;
    try {
      const snaps = listSnapshots(fsp, dir);
      for (const s of snaps.slice(2)) fsp.unlinkSync(join(dir, s.name));
      const keepFrom = snaps.length >= 2 ? snaps[1]!.seq : 0;
      const files = listJournals(fsp, dir);
      for (const [i, f] of files.entries()) {
        const next = files[i + 1];
        if (next && next.firstSeq - 1 <= keepFrom) fsp.unlinkSync(join(dir, f.name));
      }
    } catch (err) {
      this.h.log.warn("could not remove old snapshot/journal files", { code: ioCode(err) });
    }
  }
}
