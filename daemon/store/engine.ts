/**
 * The store itself: one sql.js database plus journal, snapshots and
 * maintenance. It runs inside the store worker (worker.ts); tests and the
 * backup CLI may also run it in-process. All methods except snapshot/close
 * are synchronous and never leave a transaction open across an await, so
 * export (which refuses to run inside one) is always possible.
 *
 * Acknowledgement: ingest() returns once the rows are in the in-memory DB and
 * the journal record is buffered; the record reaches the disk (fdatasync) at
 * the next group commit, at most fsyncIntervalMs later. A power cut can lose
 * at most that window.
 */

import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import type {
  IngestResult,
  JournalDamage,
  ObservationInput,
  OutboxMessage,
  StoreHealth,
} from "./api.ts";
import { DbWriter } from "./apply.ts";
import { type ArchiveOp, Archiver, type ArchiveSettings } from "./archiver.ts";
import { STORE_SCHEMA } from "./config-schema.ts";
import { StoreError } from "./errors.ts";
import { type FsPort, nodeFs } from "./fsport.ts";
import { History } from "./history.ts";
import { JournalWriter } from "./journal.ts";
import { DAY_MS, DEFAULT_ROLLUP_DAYS, dbBytes, Pruner, runTaskSlice } from "./maintenance.ts";
import { checkMeshBatch } from "./mesh-rows.ts";
import { loadMigrations, migrate, schemaVersion } from "./migrate.ts";
import { normalizeObservation } from "./normalize.ts";
import { encodeOp, type JournalOp, outboxRecords } from "./ops.ts";
import { defaultSchemaDir } from "./paths.ts";
import { scalar } from "./queries.ts";
import { openDatabase, replayJournals } from "./recovery.ts";
import { Snapshotter } from "./snapshotter.ts";
import { type Database, loadSqlJs, wasmMemoryBytes, withSmallCache } from "./sqlite.ts";

export interface EngineOptions extends ArchiveSettings {
  readonly dataDir: string;
  readonly fsyncIntervalMs: number;
  readonly snapshotJournalRatio: number;
  readonly maxDbMB: number;
  readonly maxAgeDays: number;
  readonly log: Logger;
  /** No files at all: DB in memory only (tests, demos). */
  readonly memory?: boolean;
  /** Load snapshot + journal but never write (backup of a running daemon's data). */
  readonly readOnly?: boolean;
  readonly schemaDir?: string;
  readonly fs?: FsPort;
  /** Journal size below which no snapshot is taken, whatever the ratio (default 256 KiB). */
  readonly snapshotMinJournalBytes?: number;
  readonly outboxMaxPerBroker?: number;
  readonly outboxMaxAgeMs?: number;
  readonly maxNodes?: number;
  readonly rollupMaxAgeDays?: number;
  readonly now?: () => number;
  /**
   * Called after each snapshot (written or failed). The export is a copy of
   * the whole DB; the worker passes a full GC here so that copy does not stay
   * resident until V8 gets round to it (on a 300 MB DB, 300 MB of RSS).
   */
  readonly afterSnapshot?: () => void;
  /**
   * Called after each archive pass (written or failed). A pass loads the
   * day's partition file, grows it and exports it: several copies of up to
   * partitionMB each, garbage once the file is written but kept resident
   * until V8 collects them, which a quiet worker may not do for hours. Also
   * called when a partition a history read opened is closed for being idle.
   * The worker passes a full GC here too.
   */
  readonly afterArchive?: () => void;
  /**
   * Called after each journal record replayed at start, with the record's
   * size. Replay writes as live work does (a saved mesh model is thousands
   * of rows), so the file's growth leaves old copies of it behind just the
   * same; the worker collects them here as it does after live writes
   * (file-growth.ts).
   */
  readonly afterReplayRecord?: (db: Database, recordBytes: number) => void;
}

export class StoreEngine {
  private readonly counters: Record<string, number> = {};
  private readonly fsp: FsPort;
  private readonly pruner: Pruner;
  private readonly now: () => number;
  private journal: JournalWriter | null = null;
  private seq = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private maintTimer: NodeJS.Timeout | null = null;
  private readonly snaps: Snapshotter;
  private journalCarry = 0;
  private journalDamage: JournalDamage | null = null;
  private problems: string[] = [];
  private closed = false;
  private obsCount = 0;
  private txCount = 0;
  private archiver: Archiver | null = null;
  /** Reads that continue from the hot DB into the archive partitions. */
  readonly history: History;
  /** Set after a compaction; the worker reads it after the next snapshot. */
  recycleWanted = false;

  private constructor(
    private readonly db: Database,
    private readonly w: DbWriter,
    private readonly o: EngineOptions,
  ) {
    this.fsp = o.fs ?? nodeFs;
    this.now = o.now ?? Date.now;
    this.pruner = new Pruner({
      maxDbBytes: o.maxDbMB * 1024 * 1024,
      maxAgeMs: o.maxAgeDays * DAY_MS,
      rollupMaxAgeMs: (o.rollupMaxAgeDays ?? DEFAULT_ROLLUP_DAYS) * DAY_MS,
      maxNodes: o.maxNodes ?? 20_000,
      outboxMaxAgeMs: o.outboxMaxAgeMs ?? STORE_SCHEMA.properties.outboxMaxAgeDays.default * DAY_MS,
      sliceRows: 2000,
    });
    this.history = new History(db, () => this.archiver?.archive ?? null, this.now);
    this.snaps = new Snapshotter({
      fsp: this.fsp,
      dataDir: o.dataDir,
      log: o.log,
      now: this.now,
      count: (n) => this.count(n),
      ...(o.afterSnapshot && { afterSnapshot: o.afterSnapshot }),
    });
  }

  static async open(o: EngineOptions): Promise<StoreEngine> {
    const SQL = await loadSqlJs();
    const fsp = o.fs ?? nodeFs;
    const counters: Record<string, number> = {};
    const count = (n: string, k = 1) => {
      counters[n] = (counters[n] ?? 0) + k;
    };
    const migrations = loadMigrations(fsp, o.schemaDir ?? defaultSchemaDir());
    const persistent = !o.memory;
    const snap = openDatabase(SQL, fsp, o, count);
    const db = withSmallCache(snap.db);
    // The DB file lives in sql.js's in-memory file system; a rollback journal
    // there only costs copies (durability is our own journal's job).
    db.exec("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY");
    let w: DbWriter | null = null;
    try {
      const applied = migrate(db, migrations);
      if (applied.length) o.log.info("schema migrated", { to: schemaVersion(db), applied });
      w = new DbWriter(db, count, { maxPerBroker: o.outboxMaxPerBroker ?? 10_000 });
      const engine = new StoreEngine(db, w, o);
      Object.assign(engine.counters, counters);
      engine.problems.push(...snap.problems);
      engine.seq = snap.seq;
      if (snap.name) {
        // After a restart the last snapshot is the one just loaded; its duration is not known.
        try {
          engine.snaps.lastAt = fsp.statSync(join(o.dataDir, snap.name)).mtimeMs;
        } catch {
          // Only health reporting needs it.
        }
      }
      if (persistent) {
        const after = o.afterReplayRecord;
        const r = replayJournals(
          fsp,
          o.dataDir,
          w,
          snap.seq,
          o.log,
          (n, k) => engine.count(n, k),
          after && ((bytes) => after(db, bytes)),
        );
        engine.seq = r.lastSeq;
        engine.problems.push(...r.problems);
        engine.journalDamage = r.damage;
        // The journal since the snapshot counts toward the next one whether
        // this process or an earlier one wrote it: a gateway that loses power
        // every few seconds still reaches the threshold and snapshots.
        engine.journalCarry = r.bytes;
        engine.count("replayed_records", r.applied);
        o.log.info("store loaded", {
          snapshot: snap.name,
          snapshotSeq: snap.seq,
          replayed: r.applied,
          seq: r.lastSeq,
        });
        if (!o.readOnly) {
          engine.journal = new JournalWriter(fsp, o.dataDir, o.log.child("journal"));
          if (r.resume) engine.journal.resume(r.resume);
        }
        engine.openArchive(SQL);
      }
      engine.recount();
      return engine;
    } catch (err) {
      w?.close();
      db.close();
      throw err;
    }
  }

  private openArchive(SQL: Awaited<ReturnType<typeof loadSqlJs>>): void {
    const a = new Archiver(SQL, this.fsp, this.o, {
      db: this.db,
      log: this.o.log,
      now: this.now,
      closed: () => this.closed,
      write: (op: ArchiveOp) => void this.write({ ...op, seq: this.seq + 1 }),
      flush: () => this.journal?.flush(this.now()) ?? false,
      count: (n, k) => this.count(n, k),
      recount: () => this.recount(),
      compacted: () => {
        this.recycleWanted = true;
        void this.snapshot().catch(() => {});
      },
      ...(this.o.afterArchive && { buffersDropped: this.o.afterArchive }),
    });
    this.archiver = a;
    this.problems.push(...a.problems);
  }

  /** Move history out of the hot DB until it is within its budget (normally done by maintenance). */
  drainArchive(): Promise<number> {
    return this.archiver && this.journal ? this.archiver.drain() : Promise.resolve(0);
  }

  /** Timers for group commit and maintenance; the backup CLI never starts them. */
  start(): void {
    if (this.maintTimer) return;
    this.maintTimer = setInterval(() => this.maintain(), 250);
    this.maintTimer.unref?.();
    // Replay may already have reached the threshold (see open()).
    this.maybeSnapshot();
  }

  private recount(): { observations: number } {
    this.obsCount = scalar(this.db, "SELECT count(*) FROM observations");
    this.txCount = scalar(this.db, "SELECT count(*) FROM transmissions");
    return { observations: this.obsCount };
  }

  private count(name: string, k = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + k;
  }

  ingest(batch: readonly ObservationInput[]): IngestResult {
    if (batch.length === 0) return { rows: [] };
    // First/repeat is decided against the DB here so the journal carries the
    // raw bytes and decoded fields only on a transmission's first hearing.
    const seen = new Set<string>();
    const rows = batch.map((input) => {
      const obs = normalizeObservation(input, (n, k) => this.count(n, k));
      const hot = seen.has(obs.hash) || this.w.hasTx(obs.hash);
      const archived = !hot && (this.archiver?.archivedRecently(obs.hash, obs.at) ?? false);
      seen.add(obs.hash);
      const id = this.w.nextObsId++;
      return archived ? { id, firstSeen: false, archived, obs } : { id, firstSeen: !hot, obs };
    });
    const out = this.write({ kind: "ingest", seq: this.seq + 1, rows });
    this.obsCount += out.length;
    for (const r of out) if (r.firstSeen) this.txCount++;
    this.count("ingested", out.length);
    this.enforceCap();
    return { rows: out };
  }

  setMeta(key: string, value: string): void {
    if (key.length === 0 || key.length > 256)
      throw new StoreError("E_STORE_ARG", "meta key must be 1..256 chars");
    if (value.length > 8 * 1024 * 1024)
      throw new StoreError("E_STORE_ARG", "meta value over 8 MiB");
    this.write({ kind: "meta", seq: this.seq + 1, key, value });
  }

  getMeta(key: string): string | null {
    return this.w.getMeta(key);
  }

  /** One batch of the mesh model's rows (mesh-rows.ts), journaled like any write. */
  meshWrite(batch: unknown): void {
    this.write({ kind: "mesh", seq: this.seq + 1, batch: checkMeshBatch(batch) });
  }

  outboxEnqueue(msgs: readonly Omit<OutboxMessage, "id" | "createdAt">[]): void {
    const items = outboxRecords(
      msgs,
      this.now(),
      () => this.w.nextOutboxId++,
      (m) => {
        this.count("outbox_rejected");
        this.o.log.warn("outbox message too large; dropped", {
          broker: m.broker.slice(0, 128),
          bytes: m.payload.length,
        });
      },
    );
    if (items.length) this.write({ kind: "outbox", seq: this.seq + 1, items });
  }

  outboxAck(ids: readonly number[]): void {
    const clean = ids.filter((id) => Number.isSafeInteger(id) && id > 0);
    if (clean.length) this.write({ kind: "ack", seq: this.seq + 1, ids: clean });
  }

  outboxDropped(): number {
    return Number(this.w.getMeta("outbox_dropped") ?? 0);
  }

  get database(): Database {
    return this.db;
  }

  private write(op: JournalOp): { id: number; firstSeen: boolean }[] {
    if (this.closed) throw new StoreError("E_STORE_CLOSED", "store is stopped");
    const out = this.w.apply(op);
    this.seq = op.seq;
    if (this.journal) {
      this.journal.append(op.seq, encodeOp(op).peek());
      this.scheduleFlush();
    }
    return out;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || !this.journal || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flushJournal();
    }, this.o.fsyncIntervalMs);
  }

  /** Group commit; also called directly by stop(). */
  flushJournal(): boolean {
    const j = this.journal;
    if (!j) return true;
    const ok = j.flush(this.now());
    if (!ok && j.hasPending) this.scheduleFlush();
    this.maybeSnapshot();
    return ok;
  }

  /** Raw rows beyond the cap are pruned at once; the slices in maintain() keep it from getting there. */
  private enforceCap(): void {
    let guard = 0;
    while (dbBytes(this.db).used > this.pruner.o.maxDbBytes && guard++ < 50) this.retention(true);
  }

  private retention(pressure?: boolean): void {
    const r = this.pruner.slice(this.db, this.w, this.now(), pressure);
    this.obsCount -= r.observationsDeleted;
    this.txCount -= r.transmissionsDeleted;
    if (r.observationsDeleted) this.count("pruned_observations", r.observationsDeleted);
  }

  /** One maintenance tick: a retention slice, a background-task slice, snapshot if due. */
  maintain(): void {
    if (this.closed || this.o.readOnly) return;
    const used = dbBytes(this.db).used;
    this.retention();
    const t = runTaskSlice(this.db, this.o.log, 5000);
    if (t) this.counters[`task_${t.name}_watermark`] = t.watermark;
    if (this.journal) this.archiver?.tick(used);
    this.maybeSnapshot();
  }

  private journalBytes(): number {
    return this.journalCarry + (this.journal?.bytes ?? 0);
  }

  private maybeSnapshot(): void {
    if (!this.journal || this.closed || !this.snaps.ready()) return;
    const threshold = Math.max(
      this.o.snapshotMinJournalBytes ?? 256 * 1024,
      this.o.snapshotJournalRatio * dbBytes(this.db).total,
    );
    if (this.journalBytes() >= threshold) void this.snapshot().catch(() => {});
  }

  /** Export and write a snapshot; resolves when written (or failed, which is logged and retried). */
  snapshot(): Promise<void> {
    const j = this.journal;
    if (!j) return this.snaps.pending ?? Promise.resolve();
    return this.snaps.run(
      () => {
        const seq = this.seq;
        this.w.saveCounters();
        this.db.run(
          "INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
          [String(seq)],
        );
        // Everything up to seq is on disk (or buffered for retry) before the new
        // journal file starts; the snapshot then covers exactly records <= seq.
        j.flush(this.now());
        const carried = this.journalBytes();
        j.rotate();
        this.journalCarry = carried;
        return { seq, bytes: this.db.export() };
      },
      () => {
        this.journalCarry = 0;
      },
    );
  }

  /** A consistent SQLite image of the DB now. */
  exportBytes(): Uint8Array {
    this.w.saveCounters();
    return this.db.export();
  }

  health(): StoreHealth {
    const error =
      this.journal?.lastError ??
      this.snaps.error ??
      this.archiver?.error ??
      this.problems.at(-1) ??
      null;
    const counters: Record<string, number> = { ...this.counters };
    if (this.journal) {
      counters.journal_errors = this.journal.errors;
      counters.journal_dropped_bytes = this.journal.droppedBytes;
    }
    return {
      ok: error === null,
      dbBytes: dbBytes(this.db).total,
      journalBytes: this.journalBytes(),
      lastSnapshotAt: this.snaps.lastAt,
      lastSnapshotMs: this.snaps.lastMs,
      schemaVersion: schemaVersion(this.db),
      observations: this.obsCount,
      transmissions: this.txCount,
      nodes: scalar(this.db, "SELECT count(*) FROM nodes"),
      error,
      counters,
      hotBytes: dbBytes(this.db).used,
      archive: this.archiver
        ? { ...this.archiver.archive.totals(), migrating: this.archiver.migrating() }
        : null,
      memory: { wasmBytes: wasmMemoryBytes(), workerHeapBytes: 0 },
      journalDamage: this.journalDamage,
    };
  }

  /** Flush the journal, then write a final snapshot if anything changed since the last one. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.maintTimer) clearInterval(this.maintTimer);
    this.flushTimer = null;
    this.maintTimer = null;
    await this.snaps.pending?.catch(() => {});
    await this.archiver?.idle();
    this.archiver?.archive.closeReader();
    if (this.journal) {
      this.journal.flush(this.now() + 1e12);
      if (this.journalBytes() > 0) await this.snapshot().catch(() => {});
      this.journal.close();
    }
    this.closed = true;
    this.w.close();
    this.db.close();
  }

  /** Close without a snapshot or flush (read-only users, crash simulation in tests). */
  abandon(): void {
    this.closed = true;
    this.archiver?.archive.closeReader();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.maintTimer) clearInterval(this.maintTimer);
    this.journal?.close();
    this.w.close();
    this.db.close();
  }
}
