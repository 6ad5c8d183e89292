/**
 * How each path token was heard, as rows of doubles. An object per token
 * held 6 fields, two RunningStats objects and a box for every millisecond
 * time and fraction among them. Here a token is an entry in a Map of row
 * numbers and a row of TOKEN_STRIDE doubles in blocks (Rows, as the edges'
 * numbers are); the few tokens a radio heard directly (the last hops) have
 * a row of SNR and RSSI statistics besides (RfRows). bench/mesh-tables.ts'
 * restored state (19,944 tokens, every one heard directly) went from 47.0
 * MB of heap and 12.6 of array buffers to 38.9 and 15.1 when the tokens
 * moved into rows (d159753, the statistics then in every token's row).
 * Readers get a TokenStats copy; the state updates a row in place through
 * `heard`, `alive` and `direct`.
 */
import { RfRows, Rows } from "./rows.ts";
import type { RunningStats } from "./stats.ts";

/** How a path hash or a radio was heard (attributed to a node when it resolves alone). */
export interface TokenStats {
  lastHeard: number;
  fewestHops: number | null;
  relayed: number;
  lastDirect: number;
  snr: RunningStats | null;
  rssi: RunningStats | null;
}

const LAST_HEARD = 0;
/** NaN: never heard as a hop of a flood. */
const FEWEST_HOPS = 1;
const RELAYED = 2;
const LAST_DIRECT = 3;
/** The token's ref in its table's RfRows (0: never heard directly). */
const RF = 4;
/** Doubles in a token's row. */
export const TOKEN_STRIDE = 5;

export class TokenTable {
  private readonly slots = new Map<string, number>();
  private readonly rows = new Rows(TOKEN_STRIDE);
  /** SNR and RSSI of the tokens heard directly (the last hops), only theirs. */
  private readonly rf = new RfRows();

  get size(): number {
    return this.slots.size;
  }

  has(t: string): boolean {
    return this.slots.has(t);
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** A copy: change a token with `set`, `heard` or `direct`. */
  get(t: string): TokenStats | undefined {
    const row = this.slots.get(t);
    return row === undefined ? undefined : this.read(row);
  }

  /** Every token with a copy of its statistics. */
  *[Symbol.iterator](): IterableIterator<[string, TokenStats]> {
    for (const [t, row] of this.slots) yield [t, this.read(row)];
  }

  set(t: string, s: TokenStats): void {
    const row = this.rowOf(t);
    const f = this.rows.block(row);
    const o = this.rows.offset(row);
    f[o + LAST_HEARD] = s.lastHeard;
    f[o + FEWEST_HOPS] = s.fewestHops ?? Number.NaN;
    f[o + RELAYED] = s.relayed;
    f[o + LAST_DIRECT] = s.lastDirect;
    f[o + RF] = this.rf.put(f[o + RF]!, s.snr, s.rssi);
  }

  delete(t: string): boolean {
    const row = this.slots.get(t);
    if (row === undefined) return false;
    this.slots.delete(t);
    this.rf.release(this.rows.block(row)[this.rows.offset(row) + RF]!);
    this.rows.release(row);
    return true;
  }

  /** When the token was last heard (0: never, or not held). */
  lastHeard(t: string): number {
    const row = this.slots.get(t);
    return row === undefined ? 0 : this.rows.block(row)[this.rows.offset(row) + LAST_HEARD]!;
  }

  /** The token's row, made (never heard) when it has none. */
  rowOf(t: string): number {
    let row = this.slots.get(t);
    if (row === undefined) {
      row = this.rows.alloc();
      this.rows.block(row)[this.rows.offset(row) + FEWEST_HOPS] = Number.NaN;
      this.slots.set(t, row);
    }
    return row;
  }

  /** Heard at `at`, `away` hops before the receiving radio; `relayed`: a first copy it passed on. */
  heard(row: number, at: number, away: number, relayed: boolean): void {
    const f = this.rows.block(row);
    const o = this.rows.offset(row);
    if (at > f[o + LAST_HEARD]!) f[o + LAST_HEARD] = at;
    // NaN (never) compares false both ways: the first hop count is taken.
    if (!(away >= f[o + FEWEST_HOPS]!)) f[o + FEWEST_HOPS] = away;
    if (relayed) f[o + RELAYED] = f[o + RELAYED]! + 1;
  }

  /** The gateway's own radio heard something at `at`: zero hops away. */
  alive(row: number, at: number): void {
    const f = this.rows.block(row);
    const o = this.rows.offset(row);
    if (at > f[o + LAST_HEARD]!) f[o + LAST_HEARD] = at;
    f[o + FEWEST_HOPS] = 0;
  }

  /** The last hop, heard by the radio itself at `at` with this SNR and RSSI. */
  direct(row: number, at: number, snr: number | null, rssi: number | null): void {
    const f = this.rows.block(row);
    const o = this.rows.offset(row);
    if (at > f[o + LAST_DIRECT]!) f[o + LAST_DIRECT] = at;
    f[o + RF] = this.rf.add(f[o + RF]!, snr, rssi);
  }

  private read(row: number): TokenStats {
    const f = this.rows.block(row);
    const o = this.rows.offset(row);
    const hops = f[o + FEWEST_HOPS]!;
    return {
      lastHeard: f[o + LAST_HEARD]!,
      fewestHops: Number.isNaN(hops) ? null : hops,
      relayed: f[o + RELAYED]!,
      lastDirect: f[o + LAST_DIRECT]!,
      snr: this.rf.snr(f[o + RF]!),
      rssi: this.rf.rssi(f[o + RF]!),
    };
  }
}
