/**
 * Drives the archive from the engine's maintenance tick: partition retention
 * first, else one pass moving the oldest hot observations into a partition
 * (archive.ts has the crash-safety order). One pass at a time; a failed pass
 * (disk full, read-only flash) leaves the rows hot and retries after 10 s,
 * while the hot DB's own size cap (store.maxDbMB) still bounds memory.
 */

import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { Archive, type Chunk } from "./archive.ts";
import { STORE_SCHEMA } from "./config-schema.ts";
import { ioCode } from "./errors.ts";
import type { FsPort } from "./fsport.ts";
import { dbBytes } from "./maintenance.ts";
import type { JournalOp } from "./ops.ts";
import { DAY_MS } from "./partition.ts";
import type { Database, SqlJsStatic } from "./sqlite.ts";

/**
 * Defaults for engines started without a config (tests, benches, the CLI):
 * the store schema's own, so there is one place for each. The daemon's
 * resident memory grows about 3 MB per MB of hot DB (docs/storage.md).
 */
const D = STORE_SCHEMA.properties;
export const DEFAULT_HOT_MB = D.hotMB.default;

/** A hot DB file past this many times its budget is compacted once its rows fit the budget. */
export const COMPACT_PAST = 2;

/** How long after a transmission's last archived hearing a new hearing still counts as a repeat of it. */
export const REPEAT_WINDOW_MS = 3_600_000;

export interface ArchiveSettings {
  /** Hot DB budget: older observations move to archive partitions past it (default DEFAULT_HOT_MB). */
  readonly hotMB?: number;
  /** Observations older than this move to the archive even below the budget (schema default). */
  readonly hotMaxHours?: number;
  /** A day's partition file is split past this size (schema default). */
  readonly partitionMB?: number;
  /** Total archive size; the oldest partitions are deleted past it (schema default). */
  readonly archiveMaxMB?: number;
  /** Observations per archive pass (default 4000). */
  readonly archiveChunkRows?: number;
}

export type ArchiveOp = Omit<Extract<JournalOp, { kind: "archive" }>, "seq">;

/** What the archiver needs from the engine. */
export interface ArchiverHost {
  readonly db: Database;
  readonly log: Logger;
  now(): number;
  closed(): boolean;
  /** Apply and journal an operation (seq is assigned by the host). */
  write(op: ArchiveOp): void;
  /** Group-commit now; false if the journal could not be made durable. */
  flush(): boolean;
  count(name: string, k?: number): void;
  /** Rows changed outside ingest: the host recounts. */
  recount(): { observations: number };
  /**
   * The hot DB was compacted after holding far more than its budget: take a
   * snapshot, after which the worker that held the large DB is worth
   * replacing by one that loads the small snapshot.
   */
  compacted(): void;
  /**
   * After each pass, written or failed, and after an idle partition is
   * closed: their buffers are garbage now.
   */
  buffersDropped?(): void;
}

export class Archiver {
  readonly archive: Archive;
  private running: Promise<void> | null = null;
  private retryAt = 0;
  /** Last failure still in effect, else null. */
  error: string | null = null;
  /** What the start-up reconciliation found (see reconcile()), for health. */
  readonly problems: string[] = [];

  /** Opens the archive of s.dataDir; unless read-only, reconciles it with the manifest. */
  constructor(
    SQL: SqlJsStatic,
    fsp: FsPort,
    private readonly s: ArchiveSettings & {
      dataDir: string;
      maxAgeDays: number;
      readOnly?: boolean;
    },
    private readonly host: ArchiverHost,
  ) {
    this.archive = new Archive(
      SQL,
      fsp,
      host.db,
      {
        dir: join(s.dataDir, "archive"),
        hotBytes: this.hotBytes,
        hotMaxAgeMs: (s.hotMaxHours ?? D.hotMaxHours.default) * 3_600_000,
        partitionBytes: (s.partitionMB ?? D.partitionMB.default) * 1024 * 1024,
        maxBytes: (s.archiveMaxMB ?? D.archiveMaxMB.default) * 1024 * 1024,
        maxAgeMs: s.maxAgeDays * DAY_MS,
        chunkRows: s.archiveChunkRows ?? 4000,
        // Opening a partition again is one file read; an open one is its
        // size in memory.
        idleMs: 5_000,
      },
      host.log.child("archive"),
    );
    if (!s.readOnly) this.problems.push(...this.reconcile());
  }

  get hotBytes(): number {
    return (this.s.hotMB ?? DEFAULT_HOT_MB) * 1024 * 1024;
  }

  /** Hot rows past twice the budget: an upgraded data directory still moving into partitions. */
  migrating(): boolean {
    return dbBytes(this.host.db).used > 2 * this.hotBytes;
  }

  /**
   * At start: unlisted files go (archive.ts), listed files that are gone are
   * reported, counted and unlisted. Returns the problems for health.
   */
  reconcile(): string[] {
    const missing = this.archive.reconcile();
    if (missing.length === 0) return [];
    const msg = `archive partitions missing on disk: ${missing.join(", ")}; their history is lost`;
    this.host.log.error(msg);
    this.host.count("archive_missing", missing.length);
    this.host.write({ kind: "archive", add: null, upTo: 0, drop: missing });
    return [msg];
  }

  /** One step; the pass it may start runs asynchronously. */
  tick(hotUsed: number): void {
    const h = this.host;
    const a = this.archive;
    const now = h.now();
    if (this.running || now < this.retryAt) return;
    if (a.closeIdle(now)) h.buffersDropped?.();
    const expired = a.expired(now);
    if (expired.length > 0) {
      h.write({ kind: "archive", add: null, upTo: 0, drop: expired });
      // The manifest change must be on disk before the files go; if it is
      // not, the files stay and are removed as unlisted at the next start.
      if (h.flush()) {
        a.unlink(expired);
        h.count("archive_partitions_deleted", expired.length);
        h.log.info("archive retention removed partitions", { files: expired });
      }
      return;
    }
    const chunk = a.nextChunk(now, hotUsed);
    if (chunk)
      this.running = this.pass(chunk).finally(() => {
        this.running = null;
        h.buffersDropped?.();
      });
  }

  /** Run passes until the hot DB is within its budget and window (tests, upgrade). */
  async drain(maxPasses = 1000): Promise<number> {
    let n = 0;
    for (; n < maxPasses; n++) {
      if (this.running) await this.running;
      this.tick(dbBytes(this.host.db).used);
      if (!this.running) break;
      await this.running;
    }
    return n;
  }

  /**
   * Whether the transmission `hash`, heard again at `at`, is already in the
   * archive. Hearings of one transmission arrive seconds apart, so only
   * partitions holding rows from REPEAT_WINDOW_MS before it are asked: under
   * a normal load the hot window is longer and none is, so ingest opens no
   * partition; their hash filters keep the rest to the one that holds it.
   */
  archivedRecently(hash: string, at: number): boolean {
    return this.archive.holds(hash, at - REPEAT_WINDOW_MS, this.host.now());
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    if (this.running) await this.running;
  }

  private async pass(chunk: Chunk): Promise<void> {
    const h = this.host;
    const t0 = performance.now();
    const before = h.recount().observations;
    try {
      const info = await this.archive.writeChunk(chunk);
      if (h.closed()) return;
      h.write({ kind: "archive", add: info, upTo: chunk.hi, drop: [] });
    } catch (err) {
      const code = ioCode(err);
      h.count("archive_errors");
      if (this.error === null)
        h.log.error("archive pass failed; the rows stay in the hot DB", { code });
      this.error = `archive: ${code}`;
      this.retryAt = h.now() + 10_000;
      return;
    }
    if (this.error) h.log.info("archive writes recovered", { after: this.error });
    this.error = null;
    const moved = before - h.recount().observations;
    h.count("archived_observations", moved);
    h.count("archive_passes");
    const { used, total } = dbBytes(h.db);
    const fields = { upTo: chunk.hi, moved, hotUsed: used, ms: Math.round(performance.now() - t0) };
    if (used > 2 * this.hotBytes) h.log.info("moving history into archive partitions", fields);
    else h.log.debug("archived", fields);
    // A hot DB that held far more than its budget (an upgrade from one large
    // DB) is compacted once it is back within it, so snapshots are small again.
    // Twice, not 1.5 times: with the 2 MB default a gateway's file settles
    // near 2.9 MB (pages freed by passes are reused, the file does not
    // shrink; bench/soak.ts --rate 30), and each compaction recycles the worker.
    if (total > this.hotBytes * COMPACT_PAST && used < this.hotBytes) {
      h.db.exec("VACUUM");
      h.count("hot_vacuums");
      h.log.info("hot DB compacted", { from: total, to: dbBytes(h.db).total });
      h.compacted();
    }
  }
}
