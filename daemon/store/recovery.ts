/**
 * Startup: load the newest good snapshot, migrate it, replay the journal
 * after it. An unreadable snapshot is moved aside (never deleted) with a loud
 * log, and the next older one is used; the journal is kept back to the older
 * snapshot for exactly this case. Replay skips records the snapshot already
 * holds (by sequence number) and applies the rest idempotently. Damage in
 * the middle of a journal file is skipped (the format resynchronises on the
 * next frame group), counted and reported in health, unlike a torn tail,
 * which is the expected trace of a power cut.
 */
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import type { JournalDamage } from "./api.ts";
import type { DbWriter } from "./apply.ts";
import { StoreError } from "./errors.ts";
import type { FsPort } from "./fsport.ts";
import { type JournalResume, listJournals, scanJournal } from "./journal.ts";
import { decodeOp } from "./ops.ts";
import { listSnapshots } from "./snapshots.ts";
import type { Database, SqlJsStatic } from "./sqlite.ts";

export interface LoadedSnapshot {
  readonly db: Database;
  /** Last journal sequence number contained in the snapshot (0 if none). */
  readonly seq: number;
  readonly name: string | null;
  /** Problems worth surfacing in health (e.g. a corrupt snapshot). */
  readonly problems: string[];
}

function checkDb(db: Database): number {
  const ok = db.exec("PRAGMA quick_check")[0]?.values[0]?.[0];
  if (ok !== "ok") throw new Error(`quick_check: ${String(ok)}`);
  const r = db.exec("SELECT value FROM meta WHERE key = 'journal_seq'")[0]?.values[0]?.[0];
  return r === undefined ? 0 : Number(r);
}

/**
 * The database a store starts from: the newest good snapshot of dataDir
 * (after removing temp files a power cut left, unless read-only), or an empty
 * one for a store without files.
 */
export function openDatabase(
  SQL: SqlJsStatic,
  fsp: FsPort,
  o: { dataDir: string; log: Logger; memory?: boolean; readOnly?: boolean },
  count: (name: string) => void,
): LoadedSnapshot {
  if (o.memory) return { db: new SQL.Database(), seq: 0, name: null, problems: [] };
  if (!o.readOnly) {
    fsp.mkdirSync(o.dataDir, { recursive: true });
    for (const f of fsp.readdirSync(o.dataDir) as string[])
      if (f.endsWith(".tmp")) fsp.unlinkSync(join(o.dataDir, f));
  } else if (!fsp.existsSync(o.dataDir)) {
    throw new StoreError("E_STORE_IO", `data directory ${o.dataDir} does not exist`);
  }
  return loadSnapshot(SQL, fsp, o.dataDir, o.log, { readOnly: Boolean(o.readOnly), count });
}

export function loadSnapshot(
  SQL: SqlJsStatic,
  fsp: FsPort,
  dir: string,
  log: Logger,
  opts: { readOnly: boolean; count: (n: string) => void },
): LoadedSnapshot {
  const problems: string[] = [];
  for (const snap of listSnapshots(fsp, dir)) {
    const path = join(dir, snap.name);
    let db: Database | null = null;
    try {
      db = new SQL.Database(fsp.readFileSync(path) as Uint8Array);
      const seq = checkDb(db);
      return { db, seq, name: snap.name, problems };
    } catch (err) {
      db?.close();
      if (err instanceof StoreError) throw err;
      opts.count("snapshot_corrupt");
      const msg = `snapshot ${snap.name} is unreadable (${(err as Error).message}); falling back to an older snapshot and the journal`;
      log.error(msg);
      problems.push(msg);
      if (!opts.readOnly) {
        const aside = `${path}.corrupt-${Date.now()}`;
        try {
          fsp.renameSync(path, aside);
          log.error("moved unreadable snapshot aside", { to: aside });
        } catch (e) {
          log.error("could not move unreadable snapshot aside", { error: (e as Error).message });
        }
      }
    }
  }
  return { db: new SQL.Database(), seq: 0, name: null, problems };
}

export interface ReplayResult {
  readonly lastSeq: number;
  readonly applied: number;
  readonly torn: number;
  /** Size of the journal files read: records written since the snapshot, for its threshold. */
  readonly bytes: number;
  /** Mid-file damage (bad bytes with good frames after them), null when none. */
  readonly damage: JournalDamage | null;
  /** The last file, when new records can be appended to it (see JournalWriter.resume). */
  readonly resume: JournalResume | null;
  readonly problems: string[];
}

export function replayJournals(
  fsp: FsPort,
  dir: string,
  w: DbWriter,
  fromSeq: number,
  log: Logger,
  count: (n: string, k?: number) => void,
  afterApply?: (recordBytes: number) => void,
): ReplayResult {
  let lastSeq = fromSeq;
  let applied = 0;
  let torn = 0;
  let bytes = 0;
  let damage = null as JournalDamage | null;
  let resume = null as JournalResume | null;
  const problems: string[] = [];
  const files = listJournals(fsp, dir);
  for (const [i, f] of files.entries()) {
    const next = files[i + 1];
    // A file wholly before the snapshot needs no reading at all.
    if (next && next.firstSeq - 1 <= fromSeq) continue;
    const buf = fsp.readFileSync(join(dir, f.name)) as Uint8Array;
    bytes += buf.length;
    const gaps: { range: string; msg: string }[] = [];
    let lastInFile: number | null = null;
    const parsed = scanJournal(buf, (records) => {
      for (const payload of records) {
        let op: ReturnType<typeof decodeOp>;
        lastInFile = null;
        try {
          op = decodeOp(payload);
        } catch (err) {
          count("journal_bad_records");
          log.error("journal record passed its checksum but does not decode; skipping", {
            file: f.name,
            error: (err as Error).message,
          });
          continue;
        }
        lastInFile = op.seq;
        if (op.seq <= lastSeq) continue;
        if (op.seq !== lastSeq + 1) {
          const range = `${lastSeq + 1}..${op.seq - 1}`;
          const msg = `journal gap: records ${range} are missing`;
          count("journal_gaps");
          log.error(msg);
          gaps.push({ range, msg });
        }
        w.apply(op);
        afterApply?.(payload.length);
        lastSeq = op.seq;
        applied++;
      }
    });
    if (parsed.torn) {
      torn++;
      count("journal_torn");
      log.warn("journal has a torn tail (interrupted write); dropping it", {
        file: f.name,
        goodBytes: parsed.goodBytes,
      });
    }
    // Damage in this file explains its gaps; the damage report names them.
    if (!parsed.damage.length) problems.push(...gaps.map((g) => g.msg));
    // A crash loop would otherwise leave one new file per start. Appending
    // is safe to a clean layout-3 file whose last record is the newest:
    // what follows goodBytes (a torn tail) holds nothing readable.
    resume =
      i === files.length - 1 &&
      parsed.layout === 3 &&
      parsed.damage.length === 0 &&
      lastInFile !== null &&
      lastInFile === lastSeq
        ? { name: f.name, goodBytes: parsed.goodBytes, nextIndex: parsed.nextIndex }
        : null;
    if (parsed.damage.length) {
      const d = parsed.damage;
      const frames = d.reduce((n, x) => n + x.frames, 0);
      const skipped = d.reduce((n, x) => n + x.bytes, 0);
      damage = {
        regions: (damage?.regions ?? 0) + d.length,
        frames: (damage?.frames ?? 0) + frames,
        bytes: (damage?.bytes ?? 0) + skipped,
        file: f.name,
        offset: d.at(-1)!.offset,
      };
      count("journal_damage_regions", d.length);
      count("journal_damage_frames", frames);
      count("journal_damage_bytes", skipped);
      // Not a torn write: an append cannot put bad bytes before good ones.
      const lost = gaps.length
        ? `records ${gaps.map((g) => g.range).join(", ")}`
        : "no records the snapshot lacks";
      const msg = `journal ${f.name} is damaged: ${skipped} bytes skipped at offset ${d.map((x) => x.offset).join(", ")}, ${frames} group commit(s) lost (${lost})`;
      log.error(msg);
      problems.push(msg);
    }
  }
  if (files.length > 0 && fromSeq === 0 && (files[0]?.firstSeq ?? 1) > 1) {
    const msg = `no snapshot covers journal records before ${files[0]?.firstSeq}; older data is lost`;
    log.error(msg);
    problems.push(msg);
  }
  return { lastSeq, applied, torn, bytes, damage, resume, problems };
}
