/**
 * A full garbage collection that also gives the freed heap pages back to the
 * OS, for the moments that leave a lot of garbage behind at once (a snapshot
 * export, an archive pass, a mesh-state save). Node has no API for it short
 * of the --expose-gc flag, which launchers would all have to pass: the flag
 * is set for this process here and the gc function taken from a fresh
 * context (the pattern test runners use to find leaks). The "last-resort"
 * flavour compacts and releases the emptied pages; a plain gc() frees the
 * objects but keeps their pages committed (measured after a mesh save: about
 * 6 MB of the store worker's heap pages stayed). It costs a few ms on a heap
 * of a few tens of MB.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Service } from "./service.ts";

type GcFunction = (options?: object) => void;

let cached: GcFunction | null | undefined;

function gcFunction(): GcFunction | null {
  if (cached !== undefined) return cached;
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    cached = typeof gc === "function" ? (gc as GcFunction) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * How often the store worker runs that collection anyway. Between full
 * collections V8 keeps the pages it freed, and a gateway allocates steadily
 * but little, so RSS climbed 1-2 MB a minute for five minutes and more
 * (bench/soak.ts --samples at 1,000,000 observations). In the worker a pass
 * pauses only the store, 10-37 ms (--trace-gc).
 */
export const RELEASE_EVERY_MS = 60_000;

/** Runs the collection (or `release`) every `ms` until the returned function is called. */
export function releaseMemoryEvery(
  ms = RELEASE_EVERY_MS,
  release: (() => void) | null = memoryReleaser() ?? null,
): () => void {
  if (!release) return () => {};
  const timer = setInterval(release, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The main thread serves HTTP, the radios and the live feed, and there the
 * same collection paused the event loop about 76 ms (--trace-gc), too much
 * to run every minute. It runs when RSS has grown this much since the last
 * one instead, looked at every RELEASE_CHECK_MS.
 */
export const RELEASE_GROWTH_BYTES = 6 * 1048576;
export const RELEASE_CHECK_MS = 30_000;

export interface GrowthReleaseOptions {
  readonly everyMs?: number;
  readonly growthBytes?: number;
  readonly rss?: () => number;
  readonly release?: (() => void) | null;
}

/** Runs the collection when RSS grew by `growthBytes` since the last run (or start). */
export function releaseOnGrowth(o: GrowthReleaseOptions = {}): () => void {
  const release = o.release === undefined ? (memoryReleaser() ?? null) : o.release;
  if (!release) return () => {};
  const rss = o.rss ?? (() => process.memoryUsage.rss());
  const growth = o.growthBytes ?? RELEASE_GROWTH_BYTES;
  let base = rss();
  const timer = setInterval(() => {
    const now = rss();
    if (now - base < growth) {
      base = Math.min(base, now);
      return;
    }
    release();
    base = rss();
  }, o.everyMs ?? RELEASE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** releaseOnGrowth as a daemon service (the main thread's, while it runs). */
export function growthRelease(o: GrowthReleaseOptions = {}): Service {
  let stop = () => {};
  return {
    name: "memory",
    start: async () => {
      stop = releaseOnGrowth(o);
    },
    stop: async () => stop(),
  };
}

/**
 * How long a release after a burst of work (a mesh build, a run of
 * mesh-table batches) waits for the burst to be over, so that it runs once,
 * outside the work, not inside its last step: at the end of a
 * 100,000-observation rebuild it paused the main thread about 50 ms
 * (bench/mesh-rebuild-daemon.ts --timeline).
 */
export const RELEASE_DELAY_MS = 2000;

/** The collection once `delayMs` after the last `soon()`. */
export class DeferredRelease {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly release: (() => void) | null = memoryReleaser() ?? null,
    private readonly delayMs = RELEASE_DELAY_MS,
  ) {}

  soon(): void {
    const release = this.release;
    if (!release) return;
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      release();
    }, this.delayMs);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * A young-generation collection (a scavenge, far shorter than a full one):
 * frees buffers that were made and dropped moments ago, as a history page
 * that walks several archive partitions does with each one it leaves.
 * Undefined where the engine does not offer it.
 */
export function youngCollector(): (() => void) | undefined {
  return collection({ type: "minor", execution: "sync" });
}

/** The collection described above, or undefined where the engine does not offer it. */
export function memoryReleaser(): (() => void) | undefined {
  return collection({ type: "major", execution: "sync", flavor: "last-resort" });
}

/** A collection of the given kind, or undefined where the engine does not offer gc(). */
function collection(options: object): (() => void) | undefined {
  const gc = gcFunction();
  return gc ? () => gc(options) : undefined;
}
