/**
 * Retention and resumable background tasks, each run as small slices so the
 * worker never blocks for long. Raw rows (observations, transmissions,
 * channel messages) go first by age and by size; hourly rollups and nodes are
 * kept far longer. The outbox is bounded by age here and by count on enqueue.
 */
import type { Logger } from "../core/log.ts";
import type { DbWriter } from "./apply.ts";
import { NODE_ROW_KIND } from "./mesh-rows.ts";
import { scalar } from "./queries.ts";
import type { Database } from "./sqlite.ts";

export interface RetentionOptions {
  readonly maxDbBytes: number;
  readonly maxAgeMs: number;
  readonly rollupMaxAgeMs: number;
  readonly maxNodes: number;
  readonly outboxMaxAgeMs: number;
  readonly sliceRows: number;
}

export interface SliceResult {
  /** Rows deleted or updated; 0 means nothing left to do right now. */
  readonly work: number;
  readonly observationsDeleted: number;
  readonly transmissionsDeleted: number;
}

const DAY = 86_400_000;

export function dbBytes(db: Database): { total: number; used: number } {
  const pageSize = scalar(db, "PRAGMA page_size");
  const pages = scalar(db, "PRAGMA page_count");
  const free = scalar(db, "PRAGMA freelist_count");
  return { total: pages * pageSize, used: (pages - free) * pageSize };
}

function del(db: Database, sql: string, params: (number | string)[]): number {
  db.run(sql, params);
  return db.getRowsModified();
}

/**
 * One retention slice. Size pressure starts at 90% of the cap (so freed pages
 * are reused before the file grows past it) and stops at 80%.
 */
export function retentionSlice(
  db: Database,
  w: DbWriter,
  o: RetentionOptions,
  now: number,
  pressure: boolean,
): SliceResult {
  let obs = 0;
  let tx = 0;
  let work = 0;
  db.exec("BEGIN");
  try {
    const cutoff = now - o.maxAgeMs;
    // Every query here walks an index from its low end, so a tick costs the
    // same on a full DB as on an empty one.
    if (scalar(db, "SELECT coalesce(min(at), 9e15) FROM observations") < cutoff) {
      obs += del(
        db,
        "DELETE FROM observations WHERE id IN (SELECT id FROM observations WHERE at < ? ORDER BY at LIMIT ?)",
        [cutoff, o.sliceRows],
      );
    }
    if (pressure) {
      obs += del(
        db,
        "DELETE FROM observations WHERE id IN (SELECT id FROM observations ORDER BY id LIMIT ?)",
        [o.sliceRows],
      );
    }
    // A transmission goes when its last hearing is gone.
    const minObs = scalar(db, "SELECT min(id) FROM observations") || w.nextObsId;
    tx = del(
      db,
      "DELETE FROM transmissions WHERE id IN (SELECT id FROM transmissions WHERE last_obs_id < ? LIMIT ?)",
      [minObs, o.sliceRows],
    );
    const oldestAt = scalar(db, "SELECT at FROM observations WHERE id = ?", [minObs]) || now;
    work += del(
      db,
      "DELETE FROM channel_messages WHERE id IN (SELECT id FROM channel_messages WHERE at < ? ORDER BY at LIMIT ?)",
      [Math.max(cutoff, pressure ? oldestAt : 0), o.sliceRows],
    );
    const rollCut = now - o.rollupMaxAgeMs;
    work += del(db, "DELETE FROM rollup_traffic WHERE hour < ?", [rollCut]);
    work += del(db, "DELETE FROM rollup_rf WHERE hour < ?", [rollCut]);
    const nodes = scalar(db, "SELECT count(*) FROM nodes");
    if (nodes > o.maxNodes) {
      // No index on last_seen (schema/005): a scan with SQLite's bounded
      // top-N sort, only while the table is past its cap.
      const gone =
        db.exec(
          "DELETE FROM nodes WHERE public_key IN (SELECT public_key FROM nodes ORDER BY last_seen LIMIT ?) RETURNING public_key, mesh",
          [Math.min(o.sliceRows, nodes - o.maxNodes)],
        )[0]?.values ?? [];
      // The mesh model's row for the node (schema/007) goes back to node_stats:
      // the model decides for itself when to forget a node.
      const back = db.prepare(
        "INSERT OR REPLACE INTO node_stats (kind, id, data) VALUES (?, ?, ?)",
      );
      try {
        for (const [key, mesh] of gone)
          if (mesh !== null) back.run([NODE_ROW_KIND, key ?? null, mesh ?? null]);
      } finally {
        back.free();
      }
      work += gone.length;
    }
    // Outbox ids grow with created_at, so the oldest row tells whether any aged out.
    const outCut = now - o.outboxMaxAgeMs;
    const oldestOut = scalar(
      db,
      "SELECT coalesce((SELECT created_at FROM outbox ORDER BY id LIMIT 1), 9e15)",
    );
    const aged =
      oldestOut < outCut
        ? del(
            db,
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < ? ORDER BY id LIMIT ?)",
            [outCut, o.sliceRows],
          )
        : 0;
    if (aged > 0) w.addDropped(aged);
    db.exec("COMMIT");
    work += obs + tx + aged;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  return { work, observationsDeleted: obs, transmissionsDeleted: tx };
}

/** Retention with its hysteresis: size pruning from 90% of the cap until 80%. */
export class Pruner {
  private pressure = false;

  constructor(readonly o: RetentionOptions) {}

  /** One slice; `pressure` true forces size pruning (ingest past the cap), else the hysteresis decides. */
  slice(db: Database, w: DbWriter, now: number, pressure?: boolean): SliceResult {
    if (pressure === undefined) {
      const used = dbBytes(db).used;
      if (used > this.o.maxDbBytes * 0.9) this.pressure = true;
      else if (used < this.o.maxDbBytes * 0.8) this.pressure = false;
    }
    return retentionSlice(db, w, this.o, now, pressure ?? this.pressure);
  }
}

export function underPressure(db: Database, o: RetentionOptions, threshold: number): boolean {
  return dbBytes(db).used > o.maxDbBytes * threshold;
}

export interface TaskProgress {
  readonly name: string;
  readonly done: boolean;
  readonly watermark: number;
  readonly total: number | null;
}

/**
 * Resumable data backfills registered by migrations in the `tasks` table.
 * Each slice handles an id range and saves the watermark in the same
 * transaction, so a restart (from a snapshot) resumes where it stopped.
 */
const TASKS: Record<string, (db: Database, from: number, to: number) => void> = {
  // Migration 002: hop count from the comma-separated path.
  backfill_hops: (db, from, to) =>
    db.run(
      "UPDATE observations SET hops = CASE WHEN path = '' THEN 0 ELSE length(path) - length(replace(path, ',', '')) + 1 END WHERE id > ? AND id <= ? AND hops IS NULL",
      [from, to],
    ),
};

export function runTaskSlice(db: Database, log: Logger, sliceIds: number): TaskProgress | null {
  const r = db.exec(
    "SELECT name, watermark, total FROM tasks WHERE done = 0 ORDER BY name LIMIT 1",
  )[0]?.values[0];
  if (!r) return null;
  const name = String(r[0]);
  const from = Number(r[1]);
  const total = r[2] === null ? null : Number(r[2]);
  const fn = TASKS[name];
  const maxId = scalar(db, "SELECT coalesce(max(id), 0) FROM observations");
  db.exec("BEGIN");
  try {
    if (!fn) {
      log.warn("unknown background task; marking done", { name });
      db.run("UPDATE tasks SET done = 1 WHERE name = ?", [name]);
    } else {
      // Ids below the hot rows (archived, pruned) are skipped, not walked: a
      // history of millions of ids would take thousands of empty slices.
      const next = scalar(db, "SELECT coalesce(min(id), ?) FROM observations WHERE id > ?", [
        maxId,
        from,
      ]);
      const to = Math.min(maxId, Math.max(from, next - 1) + sliceIds);
      fn(db, from, to);
      const finished = to >= maxId;
      db.run("UPDATE tasks SET watermark = ?, done = ? WHERE name = ?", [
        to,
        finished ? 1 : 0,
        name,
      ]);
      db.exec("COMMIT");
      if (finished) log.info("background task finished", { name });
      else log.debug("background task progress", { name, watermark: to, maxId });
      return { name, done: finished, watermark: to, total };
    }
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  return { name, done: true, watermark: from, total };
}

export const DEFAULT_ROLLUP_DAYS = 400;
export const DAY_MS = DAY;
