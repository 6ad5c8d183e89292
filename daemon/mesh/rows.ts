/**
 * Rows of doubles in blocks of Float64Arrays: how the mesh model holds the
 * numbers of its many small records (edges, path tokens) without an object,
 * and a box for each fraction or millisecond time, per record.
 */

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
