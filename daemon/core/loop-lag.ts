/**
 * Event-loop delay: how late a 20 ms timer fires, collected between two
 * reads (GET /metrics resets it after each scrape). perf_hooks'
 * monitorEventLoopDelay measures the same in C++, but its HDR histogram
 * spans 1 ns to 2^63 ns at three significant digits: 0.37 MB of native
 * memory (a heap snapshot of the running daemon) for three numbers. Here a
 * delay falls into one of 400 buckets, each 5% wider than the one before, so
 * a quantile is exact to 5% and the whole histogram is 1.6 KB.
 */
import { performance } from "node:perf_hooks";

export const LAG_RESOLUTION_MS = 20;
/** Width of a bucket over the previous one. */
const RATIO = 1.05;
/** Bucket 0 holds delays under this; bucket 399 ends near 50 minutes. */
const MIN_MS = 0.01;
const BUCKETS = 400;
const LOG_RATIO = Math.log(RATIO);

export class LoopLag {
  private readonly counts = new Uint32Array(BUCKETS);
  private n = 0;
  private maxMs = 0;
  private last = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    if (this.timer) return;
    this.last = this.now();
    this.timer = setInterval(() => this.tick(), LAG_RESOLUTION_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One firing of the timer: records how much later than due it ran. */
  tick(): void {
    const t = this.now();
    this.record(t - this.last - LAG_RESOLUTION_MS);
    this.last = t;
  }

  record(delayMs: number): void {
    const ms = Math.max(0, delayMs);
    const b =
      ms < MIN_MS ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_RATIO));
    this.counts[b] = (this.counts[b] ?? 0) + 1;
    this.n++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Samples since the last reset. */
  get count(): number {
    return this.n;
  }

  /** The largest delay since the last reset, in ms (0 with no samples). */
  get max(): number {
    return this.maxMs;
  }

  /**
   * The delay at quantile `q` (0..1) since the last reset, in ms: the upper
   * end of the bucket that holds it, never above the largest delay (0 with
   * no samples).
   */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b] ?? 0;
      // The last bucket has no upper end: the largest delay bounds it.
      if (seen >= rank)
        return b === BUCKETS - 1 ? this.maxMs : Math.min(MIN_MS * RATIO ** b, this.maxMs);
    }
    return this.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.maxMs = 0;
  }
}
