/** Small bounded statistics helpers shared by the graph, nodes and analytics. */

/** Count, min, max, mean, last and an exponentially weighted recent value. */
export interface RunningStats {
  n: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  /** Exponentially weighted mean (alpha 0.2): the "recent" value. */
  recent: number;
}

export function newStats(): RunningStats {
  return { n: 0, sum: 0, min: 0, max: 0, last: 0, recent: 0 };
}

/** Add a value; creates the stats on first use and returns them. */
export function addStat(prev: RunningStats | null, v: number): RunningStats {
  const s = prev ?? newStats();
  if (s.n === 0) {
    s.min = v;
    s.max = v;
    s.recent = v;
  } else {
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
    s.recent += 0.2 * (v - s.recent);
  }
  s.n++;
  s.sum += v;
  s.last = v;
  return s;
}

export interface StatsView {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  readonly recent: number;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

export function viewStats(s: RunningStats | null | undefined): StatsView | undefined {
  if (!s || s.n === 0) return undefined;
  return {
    count: s.n,
    mean: r2(s.sum / s.n),
    min: r2(s.min),
    max: r2(s.max),
    last: r2(s.last),
    recent: r2(s.recent),
  };
}

/**
 * Statistics as the mesh tables save them (version 4): [n, sum, min, max,
 * last, recent], without the field names that were most of each
 * `{"n":...,"recent":...}` value.
 */
export function statsRow(s: RunningStats | null): number[] | null {
  return s ? [s.n, s.sum, s.min, s.max, s.last, s.recent] : null;
}

/** Doubles one RunningStats takes in a row of a Float64Array (statsRow's order). */
export const STATS_WIDTH = 6;

/** The statistics at `o` of a row (n 0: none). */
export function readStatsAt(f: Float64Array, o: number): RunningStats | null {
  if (f[o] === 0) return null;
  return {
    n: f[o]!,
    sum: f[o + 1]!,
    min: f[o + 2]!,
    max: f[o + 3]!,
    last: f[o + 4]!,
    recent: f[o + 5]!,
  };
}

/** Put statistics at `o` of a row in statsRow's order (null: zeros). */
export function writeStatsAt(f: Float64Array, o: number, s: RunningStats | null): void {
  if (!s || s.n === 0) {
    f.fill(0, o, o + STATS_WIDTH);
    return;
  }
  f[o] = s.n;
  f[o + 1] = s.sum;
  f[o + 2] = s.min;
  f[o + 3] = s.max;
  f[o + 4] = s.last;
  f[o + 5] = s.recent;
}

/** addStat on the statistics at `o` of a row, in place (no object made). */
export function addStatAt(f: Float64Array, o: number, v: number): void {
  if (f[o] === 0) {
    f[o + 2] = v;
    f[o + 3] = v;
    f[o + 5] = v;
  } else {
    if (v < f[o + 2]!) f[o + 2] = v;
    if (v > f[o + 3]!) f[o + 3] = v;
    f[o + 5] = f[o + 5]! + 0.2 * (v - f[o + 5]!);
  }
  f[o] = f[o]! + 1;
  f[o + 1] = f[o + 1]! + v;
  f[o + 4] = v;
}

/**
 * Restore from untrusted JSON (the array of statsRow, or the named fields
 * of tables versions 1-3): anything malformed yields null.
 */
export function parseStats(v: unknown): RunningStats | null {
  if (Array.isArray(v)) {
    if (v.length !== STATS_WIDTH || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
      return null;
    const [n, sum, min, max, last, recent] = v as number[];
    return { n: n!, sum: sum!, min: min!, max: max!, last: last!, recent: recent! };
  }
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const keys = ["n", "sum", "min", "max", "last", "recent"] as const;
  for (const k of keys) if (typeof o[k] !== "number" || !Number.isFinite(o[k])) return null;
  return {
    n: o.n as number,
    sum: o.sum as number,
    min: o.min as number,
    max: o.max as number,
    last: o.last as number,
    recent: o.recent as number,
  };
}

/** Fixed-bin histogram: bins of `width` from `lo`; values outside go to the end bins. */
export function binIndex(v: number, lo: number, width: number, bins: number): number {
  const i = Math.floor((v - lo) / width);
  return i < 0 ? 0 : i >= bins ? bins - 1 : i;
}

/** Exponential decay of a score from `fromMs` to `toMs` with a half-life. */
export function decay(score: number, fromMs: number, toMs: number, halfLifeMs: number): number {
  if (toMs <= fromMs) return score;
  return score * 2 ** (-(toMs - fromMs) / halfLifeMs);
}

/** Both sets of values as one (for edges merged into one link); `later` gives last/recent. */
export function mergeStats(
  x: RunningStats | null,
  y: RunningStats | null,
  yIsLater: boolean,
): RunningStats | null {
  if (!x || x.n === 0) return y ? { ...y } : null;
  if (!y || y.n === 0) return { ...x };
  const late = yIsLater ? y : x;
  return {
    n: x.n + y.n,
    sum: x.sum + y.sum,
    min: Math.min(x.min, y.min),
    max: Math.max(x.max, y.max),
    last: late.last,
    recent: late.recent,
  };
}
