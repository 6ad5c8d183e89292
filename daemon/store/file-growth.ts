/**
 * sql.js keeps the database file in one typed array that grows by an eighth
 * at a time: a new array, the old one copied and left to the collector,
 * which V8 runs only once tens of MB of such arrays wait. The first save of
 * 20,000 mesh nodes takes the hot file from 3.9 MiB to about 7 in seconds;
 * without collecting, the daemon's high-water mark rose to 144.1 MB for that
 * moment, with it 118.2 MB (bench/soak.ts --nodes 20000 --minutes 8).
 * Collecting each time the file has grown by a tenth since the last frees
 * each old array soon after it is left; a file that does not grow costs
 * nothing but the size check.
 */
import { dbBytes } from "./maintenance.ts";
import type { Database } from "./sqlite.ts";

export const GROWTH_RATIO = 1.1;

export class FileGrowthCollector {
  /** `bytes`: the file's size now (the baseline growth is measured from). */
  constructor(
    private readonly collect: () => void,
    private bytes: number,
  ) {}

  /** Told the file's size after a write; collects when it has grown by a tenth. */
  check(bytes: number): boolean {
    if (bytes <= this.bytes * GROWTH_RATIO) {
      // A smaller file (compacted) is the new baseline.
      if (bytes < this.bytes) this.bytes = bytes;
      return false;
    }
    this.collect();
    this.bytes = bytes;
    return true;
  }
}

/**
 * Bytes of replayed records between two looks at the file's size. A look is
 * three PRAGMAs (some 50 us under the unit's flags), and a journal of small
 * ingest records may hold tens of thousands of them. A record of a saved
 * mesh model (up to SAVE_BATCH rows, mesh/persist.ts) is some kilobytes, so
 * a replayed save is looked at every few records: the file grows by an
 * eighth of itself, hundreds of kilobytes, between two collections anyway.
 */
export const REPLAY_CHECK_BYTES = 64 * 1024;

/**
 * A check to run after each record journal replay applies to `db` (replay
 * writes as live work does), told the record's size; its baseline is the
 * file's size at the first call.
 */
export function growthCheck(collect: () => void): (db: Database, recordBytes: number) => void {
  let g: FileGrowthCollector | null = null;
  let pending = 0;
  return (db, recordBytes) => {
    pending += recordBytes;
    if (g && pending < REPLAY_CHECK_BYTES) return;
    pending = 0;
    const bytes = dbBytes(db).total;
    g ??= new FileGrowthCollector(collect, bytes);
    g.check(bytes);
  };
}
