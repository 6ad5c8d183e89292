/**
 * Rows of doubles in blocks of Float64Arrays: how the mesh model holds the
 * numbers of its many small records (edges, path tokens, the SNR and RSSI
 * statistics of edges, nodes and tokens) without an object, and a box for
 * each fraction or millisecond time, per record.
 */
import { addStatAt, type RunningStats, readStatsAt, STATS_WIDTH, writeStatsAt } from "./stats.ts";

/** Rows per block: blocks are added one at a time, never copied to grow. */
export const BLOCK_ROWS = 4096;
const BLOCK_SHIFT = 12;

/**
 * Rows of `stride` doubles in blocks. A row freed is zeroed and handed out
 * again, and blocks are never given back: they hold as many rows as the
 * most records held at once, which the prune keeps near its caps
 * (`mesh.maxEdges` for edges). Moving rows to free whole blocks would be
 * one pass over every record, too long for one scheduler slice; a restart
 * or rebuild starts from a fresh state.
 */
export class Rows {
  readonly blocks: Float64Array[] = [];
  private readonly free: number[] = [];
  private used = 0;

  constructor(readonly stride: number) {}

  /** Rows handed out and not freed. */
  get live(): number {
    return this.used - this.free.length;
  }

  /** Rows the blocks have room for. */
  get capacity(): number {
    return this.blocks.length * BLOCK_ROWS;
  }

  alloc(): number {
    const row = this.free.pop();
    if (row !== undefined) return row;
    if (this.used === this.capacity) this.blocks.push(new Float64Array(BLOCK_ROWS * this.stride));
    return this.used++;
  }

  release(row: number): void {
    const o = this.offset(row);
    this.block(row).fill(0, o, o + this.stride);
    this.free.push(row);
  }

  /** The block holding `row`; its doubles start at `offset(row)`. */
  block(row: number): Float64Array {
    return this.blocks[row >> BLOCK_SHIFT]!;
  }

  offset(row: number): number {
    return (row & (BLOCK_ROWS - 1)) * this.stride;
  }
}

/**
 * SNR and RSSI statistics for the few records a radio heard directly: a
 * row of both (stats.ts' layout) for each of those only. A record keeps a
 * ref to its row in one of its own numbers: the row + 1, 0 for none, so a
 * zeroed record has none.
 */
export class RfRows {
  private readonly rows = new Rows(2 * STATS_WIDTH);

  /** Rows held (records with statistics). */
  get live(): number {
    return this.rows.live;
  }

  /** Rows the blocks have room for. */
  get capacity(): number {
    return this.rows.capacity;
  }

  /** The SNR statistics at `ref`, null when none. */
  snr(ref: number): RunningStats | null {
    return ref > 0 ? readStatsAt(this.rows.block(ref - 1), this.rows.offset(ref - 1)) : null;
  }

  /** The RSSI statistics at `ref`, null when none. */
  rssi(ref: number): RunningStats | null {
    if (ref <= 0) return null;
    return readStatsAt(this.rows.block(ref - 1), this.rows.offset(ref - 1) + STATS_WIDTH);
  }

  /** Add one hearing's values (null: not reported); the ref, made when it was 0 and a value came. */
  add(ref: number, snr: number | null, rssi: number | null): number {
    if (snr === null && rssi === null) return ref;
    const r = ref > 0 ? ref - 1 : this.rows.alloc();
    const f = this.rows.block(r);
    const o = this.rows.offset(r);
    if (snr !== null) addStatAt(f, o, snr);
    if (rssi !== null) addStatAt(f, o + STATS_WIDTH, rssi);
    return r + 1;
  }

  /** Set both (a saved record's); the ref, 0 (and the row freed) when neither holds a value. */
  put(ref: number, snr: RunningStats | null, rssi: RunningStats | null): number {
    if (!snr?.n && !rssi?.n) {
      this.release(ref);
      return 0;
    }
    const r = ref > 0 ? ref - 1 : this.rows.alloc();
    const f = this.rows.block(r);
    const o = this.rows.offset(r);
    writeStatsAt(f, o, snr);
    writeStatsAt(f, o + STATS_WIDTH, rssi);
    return r + 1;
  }

  release(ref: number): void {
    if (ref > 0) this.rows.release(ref - 1);
  }
}
