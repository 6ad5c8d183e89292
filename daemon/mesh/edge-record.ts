/**
 * Where an edge's numbers live. A JavaScript object boxes every field that
 * holds a fraction or a millisecond time (16 bytes each, beside the field),
 * and each RunningStats or EdgeResolution is an object of its own. Here an
 * edge's times, score and resolution confidence are a row of 5 doubles, and
 * its radio-link statistics (only edges a radio heard directly have them) a
 * row of 12, in blocks of Float64Arrays its graph owns (EdgeColumns). The
 * EdgeRecord keeps the tokens, the small counts, its resolution's ends and
 * its row numbers, and reads the rest through accessors, so it is still an
 * EdgeState to every reader. bench/mesh-tables.ts gives what this holds at
 * 20,000 nodes and 100,000 edges.
 */
import { type EdgeResolution, RESOLUTION_HOWS } from "./resolve.ts";
import { RfRows, Rows } from "./rows.ts";
import type { RunningStats } from "./stats.ts";

export interface EdgeState {
  /** Tokens, a < b. */
  a: string;
  b: string;
  firstSeen: number;
  lastSeen: number;
  /** Distinct transmissions. */
  sightings: number;
  /** Every hearing, relayed copies included. */
  observations: number;
  score: number;
  scoreAt: number;
  /** Bit (1 << size) per path hash size seen. */
  hashSizes: number;
  kinds: number;
  snr: RunningStats | null;
  rssi: RunningStats | null;
  /** Which nodes the edge joins, as last resolved (derived, never persisted). */
  res: EdgeResolution | null;
}

/** The two tokens of an edge (what is left of one a prune dropped). */
export interface EdgeEnds {
  readonly a: string;
  readonly b: string;
}

const FIRST = 0;
const LAST = 1;
const SCORE = 2;
const SCORE_AT = 3;
const CONFIDENCE = 4;
/** Doubles in a row of times, score and resolution confidence. */
export const TIMES_STRIDE = 5;
/** One graph's edge rows: times and score for every edge, statistics for those that have any. */
export class EdgeColumns {
  readonly times = new Rows(TIMES_STRIDE);
  readonly rf = new RfRows();
}

/** One edge of a graph: an EdgeState whose numbers are rows of its EdgeColumns. */
export class EdgeRecord implements EdgeState {
  sightings = 0;
  observations = 0;
  hashSizes = 0;
  kinds = 0;
  /** Ref of its statistics in cols.rf (0: none yet). */
  rf = 0;
  /** The resolution's ends (null: not resolved), and its `how` * 2 + `sure`. */
  private resA: string | null = null;
  private resB = "";
  private resTag = 0;

  constructor(
    private readonly cols: EdgeColumns,
    /** Row in cols.times; -1 once removed from its graph (its numbers are gone). */
    public row: number,
    readonly a: string,
    readonly b: string,
  ) {}

  /** Give the rows back (the graph removed the edge): only the tokens stay meaningful. */
  release(): void {
    this.cols.times.release(this.row);
    this.cols.rf.release(this.rf);
    this.row = -1;
    this.rf = 0;
  }

  // A released record reads 0 and ignores writes: a sliced settle may
  // still hold it in its list of edges after a prune took it out.
  private at(i: number): number {
    if (this.row < 0) return 0;
    const t = this.cols.times;
    return t.block(this.row)[t.offset(this.row) + i]!;
  }

  private put(i: number, v: number): void {
    if (this.row < 0) return;
    const t = this.cols.times;
    t.block(this.row)[t.offset(this.row) + i] = v;
  }

  /** One hearing's SNR and RSSI (null: not reported) added to its statistics. */
  hear(snr: number | null, rssi: number | null): void {
    if (this.row < 0) return;
    this.rf = this.cols.rf.add(this.rf, snr, rssi);
  }

  /** Both statistics at once (a restored edge's): one write of its row. */
  setStats(snr: RunningStats | null, rssi: RunningStats | null): void {
    if (this.row < 0) return;
    this.rf = this.cols.rf.put(this.rf, snr, rssi);
  }

  /** A fresh object on every read, as `resolveEdge` makes them. */
  get res(): EdgeResolution | null {
    if (this.resA === null) return null;
    return {
      a: this.resA,
      b: this.resB,
      confidence: this.at(CONFIDENCE),
      sure: (this.resTag & 1) === 1,
      how: RESOLUTION_HOWS[this.resTag >> 1]!,
    };
  }
  set res(r: EdgeResolution | null) {
    this.resA = r ? r.a : null;
    this.resB = r ? r.b : "";
    this.resTag = r ? RESOLUTION_HOWS.indexOf(r.how) * 2 + (r.sure ? 1 : 0) : 0;
    this.put(CONFIDENCE, r ? r.confidence : 0);
  }
  get firstSeen(): number {
    return this.at(FIRST);
  }
  set firstSeen(v: number) {
    this.put(FIRST, v);
  }
  get lastSeen(): number {
    return this.at(LAST);
  }
  set lastSeen(v: number) {
    this.put(LAST, v);
  }
  get score(): number {
    return this.at(SCORE);
  }
  set score(v: number) {
    this.put(SCORE, v);
  }
  get scoreAt(): number {
    return this.at(SCORE_AT);
  }
  set scoreAt(v: number) {
    this.put(SCORE_AT, v);
  }
  /** A fresh object on every read: change it by assigning it back. */
  get snr(): RunningStats | null {
    return this.cols.rf.snr(this.rf);
  }
  set snr(s: RunningStats | null) {
    this.setStats(s, this.rssi);
  }
  /** A fresh object on every read: change it by assigning it back. */
  get rssi(): RunningStats | null {
    return this.cols.rf.rssi(this.rf);
  }
  set rssi(s: RunningStats | null) {
    this.setStats(this.snr, s);
  }
}
