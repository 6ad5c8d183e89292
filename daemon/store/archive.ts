/**
 * The archive: observations older than the hot window leave the in-memory DB
 * for partition files (partition.ts) in dataDir/archive/. The engine drives
 * it from its maintenance tick; the order of a pass is what makes it safe
 * across a power cut:
 *   1. copy the oldest rows into the day's partition and write the file
 *      atomically (temp, fsync, rename, directory fsync);
 *   2. journal an `archive` record that adds the manifest row and deletes the
 *      rows from the hot tables (apply.ts; replay of it is idempotent).
 * A crash between 1 and 2 leaves the rows in the hot DB and either an orphan
 * file (removed at start) or a partition holding rows past its manifest
 * max_id (ignored by queries, and copied again by INSERT OR IGNORE).
 * Retention removes the manifest row first (journaled and flushed), then the
 * file; partitions are never rewritten for retention.
 *
 * Reads open one partition at a time (its file loaded into its own sql.js
 * database, at most partitionBytes plus one append), closed after idleMs.
 */
import { join } from "node:path";
import { youngCollector } from "../core/gc.ts";
import type { Logger } from "../core/log.ts";
import { selectRecords } from "./columns.ts";
import { type FsPort, fsyncDir } from "./fsport.ts";
import { HASHES_SUFFIX, HashIndex } from "./hash-index.ts";
import {
  copyRange,
  DAY_MS,
  dayOf,
  isPartitionName,
  type PartitionInfo,
  partitionName,
  partitionSchema,
} from "./partition.ts";
import { scalar } from "./queries.ts";
import { writeAtomic } from "./snapshots.ts";
import { type Database, type SqlJsStatic, withSmallCache } from "./sqlite.ts";

export interface ArchiveOptions {
  /** dataDir/archive */
  readonly dir: string;
  /** Hot DB budget in bytes (store.hotMB). */
  readonly hotBytes: number;
  /** Observations older than this leave the hot DB even below its budget. */
  readonly hotMaxAgeMs: number;
  /** A day's partition is split into a new part past this size. */
  readonly partitionBytes: number;
  /** Whole partitions are deleted, oldest first, past this total... */
  readonly maxBytes: number;
  /** ...or when their newest row is older than this. */
  readonly maxAgeMs: number;
  /** Observations moved per pass (bounds the memory of one pass). */
  readonly chunkRows: number;
  /** An open partition is closed after this long unused. */
  readonly idleMs: number;
}

/**
 * Size pressure (archive passes until the hot rows are back under the lower
 * mark) starts past PRESSURE_ON of the budget and stops under PRESSURE_OFF.
 */
const PRESSURE_ON = 0.9;
const PRESSURE_OFF = 0.75;

export interface Chunk {
  readonly lo: number;
  readonly hi: number;
  readonly day: number;
}

type Row = (string | number | null | Uint8Array)[];

/** The manifest's columns (archive_partitions) as PartitionInfo's fields. */
const PARTITION_COLS = `name, day, part, min_id AS minId, max_id AS maxId, min_at AS minAt,
  max_at AS maxAt, observations, bytes`;

export class Archive {
  private reader: { name: string; db: Database; usedAt: number } | null = null;
  private readonly collectYoung = youngCollector();
  private pressure = false;
  /** Which partitions may hold a packet hash (hash-index.ts). */
  readonly hashes: HashIndex;

  constructor(
    private readonly SQL: SqlJsStatic,
    private readonly fsp: FsPort,
    private readonly hot: Database,
    readonly o: ArchiveOptions,
    private readonly log: Logger,
  ) {
    this.hashes = new HashIndex(fsp, o.dir);
  }

  /** The manifest, oldest first (by id range, which never overlaps). */
  list(since = -9e15): PartitionInfo[] {
    return selectRecords(
      this.hot,
      `SELECT ${PARTITION_COLS} FROM archive_partitions WHERE max_at >= ? ORDER BY max_id`,
      [since],
    ) as unknown as PartitionInfo[];
  }

  totals(): { bytes: number; partitions: number } {
    const r = this.hot.exec("SELECT coalesce(sum(bytes), 0), count(*) FROM archive_partitions")[0]
      ?.values[0];
    return { bytes: Number(r?.[0] ?? 0), partitions: Number(r?.[1] ?? 0) };
  }

  /**
   * At start: temp files and partition files the manifest does not list are
   * removed (they hold only rows still in the hot DB); listed files that are
   * missing are returned so the engine can report and unlist them.
   */
  reconcile(): string[] {
    const dir = this.o.dir;
    this.fsp.mkdirSync(dir, { recursive: true });
    const listed = new Set(this.list().map((p) => p.name));
    const present = new Set<string>();
    for (const f of this.fsp.readdirSync(dir) as string[]) {
      const base = f.endsWith(HASHES_SUFFIX) ? f.slice(0, -HASHES_SUFFIX.length) : f;
      if (f.endsWith(".tmp") || (isPartitionName(base) && !listed.has(base))) {
        this.log.info("removing unlisted archive file", { file: f });
        this.fsp.unlinkSync(join(dir, f));
      } else present.add(f);
    }
    return [...listed].filter((n) => !present.has(n));
  }

  /**
   * Listed partitions that may hold the transmission `hash` (by their hash
   * filters), newest first; only those whose newest row is at or after `since`.
   */
  candidates(hash: string, since?: number): PartitionInfo[] {
    return this.list(since)
      .reverse()
      .filter((p) => this.hashes.mayHold(p.name, hash));
  }

  /** Whether an archived partition written since `since` holds the transmission (opens at most the candidates). */
  holds(hash: string, since: number, now: number): boolean {
    for (const p of this.candidates(hash, since)) {
      const db = this.open(p.name, now);
      if (db && scalar(db, "SELECT count(*) FROM transmissions WHERE hash = ?", [hash]) > 0)
        return true;
    }
    return false;
  }

  /** The next range of hot observations to move, or null when the hot DB is within its budget. */
  nextChunk(now: number, hotUsed: number): Chunk | null {
    if (hotUsed > this.o.hotBytes * PRESSURE_ON) this.pressure = true;
    else if (hotUsed < this.o.hotBytes * PRESSURE_OFF) this.pressure = false;
    const first = this.hot.exec("SELECT id, at FROM observations ORDER BY id LIMIT 1")[0]
      ?.values[0];
    if (!first) return null;
    const lo = Number(first[0]);
    const day = dayOf(Number(first[1]));
    const cutoff = now - this.o.hotMaxAgeMs;
    if (!this.pressure && Number(first[1]) >= cutoff) return null;
    // One day per pass: the window ends before the first row of another day
    // (or, below the budget, the first row young enough to stay hot).
    const window = `SELECT id, at FROM observations WHERE id >= ${lo} ORDER BY id LIMIT ${this.o.chunkRows}`;
    const stopAt = this.pressure ? day + DAY_MS : Math.min(day + DAY_MS, cutoff);
    const other = scalar(
      this.hot,
      `SELECT coalesce(min(id), 0) FROM (${window}) WHERE at < ? OR at >= ?`,
      [day, stopAt],
    );
    const hi = other > 0 ? other - 1 : scalar(this.hot, `SELECT max(id) FROM (${window})`);
    const rows = scalar(this.hot, "SELECT count(*) FROM observations WHERE id BETWEEN ? AND ?", [
      lo,
      hi,
    ]);
    // Each pass rewrites the day's newest partition file: a few rows per
    // tick (rows ageing past the window one by one) would rewrite it every
    // tick. Small passes wait, except at a day's end and for rows an hour
    // past the window. Under size pressure a pass waits for a whole chunk:
    // when nodes and mesh state fill the budget by themselves (20,000
    // nodes), the window refills to a chunk between passes instead of
    // rewriting the partition every 1,000 packets.
    const dayDone =
      scalar(this.hot, `SELECT count(*) FROM (${window}) WHERE at < ? OR at >= ?`, [
        day,
        day + DAY_MS,
      ]) > 0;
    const minRows = this.pressure ? this.o.chunkRows : Math.min(1000, this.o.chunkRows);
    const small = rows < minRows && !dayDone;
    if (small && Number(first[1]) >= cutoff - 3_600_000) return null;
    return rows > 0 ? { lo, hi, day } : null;
  }

  /** Step 1 of a pass: the partition file holding chunk, written durably. */
  async writeChunk(c: Chunk): Promise<PartitionInfo> {
    const parts = this.list();
    const tail = parts.at(-1);
    const append = tail && tail.day === c.day && tail.bytes < this.o.partitionBytes ? tail : null;
    const part = append
      ? append.part
      : 1 + Math.max(-1, ...parts.filter((p) => p.day === c.day).map((p) => p.part));
    const name = partitionName(c.day, part);
    if (this.reader?.name === name) this.closeReader();
    const p = withSmallCache(
      append
        ? new this.SQL.Database(this.fsp.readFileSync(join(this.o.dir, name)) as Uint8Array)
        : new this.SQL.Database(),
    );
    let bytes: Uint8Array;
    let stats: Row | undefined;
    let hashes: string[] = [];
    try {
      // sql.js keeps each Database in its own in-memory file (`filename`,
      // not in its typings); attaching it lets SQLite copy the rows itself.
      const file = (p as unknown as { filename: string }).filename;
      this.hot.exec(`ATTACH '/${file}' AS arc`);
      try {
        this.hot.exec(partitionSchema("arc"));
        this.hot.exec("BEGIN");
        try {
          copyRange(this.hot, c.lo, c.hi);
          this.hot.exec("COMMIT");
        } catch (err) {
          this.hot.exec("ROLLBACK");
          throw err;
        }
        stats = this.hot.exec(
          "SELECT min(id), min(at), max(at), count(*) FROM arc.observations WHERE id <= ?",
          [c.hi],
        )[0]?.values[0];
        hashes = (this.hot.exec("SELECT hash FROM arc.transmissions")[0]?.values ?? []).map(
          (v: Row) => String(v[0]),
        );
      } finally {
        this.hot.exec("DETACH arc");
      }
      bytes = p.export();
    } finally {
      p.close();
    }
    // The filter first: a power cut between the two files then leaves a
    // filter with extra hashes (harmless), never one missing rows.
    await this.hashes.write(name, hashes);
    await writeAtomic(this.fsp, this.o.dir, name, bytes);
    return {
      name,
      day: c.day,
      part,
      minId: Number(stats?.[0] ?? c.lo),
      maxId: c.hi,
      minAt: Number(stats?.[1] ?? 0),
      maxAt: Number(stats?.[2] ?? 0),
      observations: Number(stats?.[3] ?? 0),
      bytes: bytes.length,
    };
  }

  /** Partitions retention removes now: past the age cap, then oldest first past the size cap. */
  expired(now: number): string[] {
    const parts = this.list();
    let total = parts.reduce((s, p) => s + p.bytes, 0);
    const out: string[] = [];
    for (const p of parts) {
      if (p.maxAt >= now - this.o.maxAgeMs && total <= this.o.maxBytes) break;
      out.push(p.name);
      total -= p.bytes;
    }
    return out;
  }

  /** Delete partition files (after their manifest rows are gone and journaled). */
  unlink(names: readonly string[]): void {
    for (const n of names) {
      if (this.reader?.name === n) this.closeReader();
      this.hashes.unlink(n);
      try {
        this.fsp.unlinkSync(join(this.o.dir, n));
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
      }
    }
    if (names.length) fsyncDir(this.fsp, this.o.dir);
  }

  /**
   * Copy every listed partition into destDir (created), one file at a time so
   * a backup holds at most one partition in memory; returns the count.
   */
  async copyTo(destDir: string): Promise<number> {
    const parts = this.list();
    if (parts.length === 0) return 0;
    this.fsp.mkdirSync(destDir, { recursive: true });
    for (const p of parts) {
      const bytes = this.fsp.readFileSync(join(this.o.dir, p.name)) as Uint8Array;
      await writeAtomic(this.fsp, destDir, p.name, bytes);
    }
    return parts.length;
  }

  /** The partition as a database (kept open for the next call), or null if its file is gone. */
  open(name: string, now: number): Database | null {
    if (this.reader?.name === name) {
      this.reader.usedAt = now;
      return this.reader.db;
    }
    if (this.reader) {
      this.closeReader();
      // The partition left behind is two buffers of its size (the file read
      // and sql.js's copy of it), garbage that V8 counts only as external
      // memory: GET /api/channels, which may walk 32 partitions of up to
      // 4 MB, left so much of it before a collection ran that a visitor
      // took the daemon's high-water to 194-201 MB at 1,000,000
      // observations (bench/soak.ts --ui).
      this.collectYoung?.();
    }
    let bytes: Uint8Array;
    try {
      bytes = this.fsp.readFileSync(join(this.o.dir, name)) as Uint8Array;
    } catch (err) {
      this.log.error("archive partition unreadable", {
        file: name,
        code: (err as { code?: string }).code ?? "EIO",
      });
      return null;
    }
    const db = withSmallCache(new this.SQL.Database(bytes));
    this.reader = { name, db, usedAt: now };
    this.backfillFilter(name, db);
    return db;
  }

  /**
   * A partition from before hash filters gets one the first time it is read.
   * Not the newest partition: a pass may be appending to it and writes its
   * filter itself.
   */
  private backfillFilter(name: string, db: Database): void {
    if (this.hashes.has(name) || this.list().at(-1)?.name === name) return;
    const hashes = (db.exec("SELECT hash FROM transmissions")[0]?.values ?? []).map((v: Row) =>
      String(v[0]),
    );
    this.hashes.write(name, hashes).catch((err: unknown) => {
      this.log.warn("could not write archive hash filter", {
        file: name,
        code: (err as { code?: string }).code ?? "EIO",
      });
    });
  }

  /** Closes the open partition once unused for idleMs; true if it did. */
  closeIdle(now: number): boolean {
    if (!this.reader || now - this.reader.usedAt <= this.o.idleMs) return false;
    this.closeReader();
    return true;
  }

  closeReader(): void {
    this.reader?.db.close();
    this.reader = null;
  }
}
