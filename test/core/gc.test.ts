import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DeferredRelease,
  growthRelease,
  memoryReleaser,
  releaseMemoryEvery,
  releaseOnGrowth,
} from "../../daemon/core/gc.ts";

afterEach(() => {
  vi.useRealTimers();
});

const MB = 1048576;

describe("memory release", () => {
  it("offers V8's compacting collection in this engine", () => {
    const release = memoryReleaser();
    expect(release).toBeTypeOf("function");
    let junk: number[][] | null = Array.from({ length: 2000 }, () => new Array(100).fill(1));
    expect(junk.length).toBe(2000);
    junk = null;
    const before = process.memoryUsage().heapUsed;
    release?.();
    expect(process.memoryUsage().heapUsed).toBeLessThanOrEqual(before);
  });

  it("runs every interval until stopped", () => {
    vi.useFakeTimers();
    let runs = 0;
    const stop = releaseMemoryEvery(1000, () => runs++);
    vi.advanceTimersByTime(3500);
    expect(runs).toBe(3);
    stop();
    vi.advanceTimersByTime(5000);
    expect(runs).toBe(3);
  });

  it("does nothing where the engine has no such collection", () => {
    vi.useFakeTimers();
    releaseMemoryEvery(1000, null)();
    releaseOnGrowth({ release: null })();
    expect(vi.getTimerCount()).toBe(0);
  });

  /** releaseOnGrowth on a fake RSS (100 MB at start) that each release lowers by `freed`. */
  function watched(freed: number) {
    vi.useFakeTimers();
    const s = { rss: 100 * MB, runs: 0 };
    const stop = releaseOnGrowth({
      everyMs: 1000,
      growthBytes: 6 * MB,
      rss: () => s.rss,
      release: () => {
        s.runs++;
        s.rss -= freed;
      },
    });
    const at = (mb: number) => {
      s.rss = mb * MB;
      vi.advanceTimersByTime(1000);
      return s.runs;
    };
    return { at, stop };
  }

  it("on growth: runs once RSS grew by the threshold since the last run, then measures again", () => {
    const w = watched(8 * MB);
    expect(w.at(105)).toBe(0);
    expect(w.at(106)).toBe(1);
    // The new base is what the release left (98 MB): 6 MB more runs it again.
    expect(w.at(103)).toBe(1);
    expect(w.at(104)).toBe(2);
    w.stop();
    expect(w.at(200)).toBe(2);
  });

  it("on growth: a fall in RSS lowers the base", () => {
    const w = watched(0);
    expect(w.at(90)).toBe(0);
    expect(w.at(96)).toBe(1);
    w.stop();
  });

  it("deferred: one release a delay after the last of a burst of calls, none once cancelled", () => {
    vi.useFakeTimers();
    let runs = 0;
    const later = new DeferredRelease(() => runs++, 2000);
    later.soon();
    vi.advanceTimersByTime(1500);
    later.soon();
    vi.advanceTimersByTime(1500);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(500);
    expect(runs).toBe(1);
    later.soon();
    later.cancel();
    vi.advanceTimersByTime(5000);
    expect(runs).toBe(1);
    new DeferredRelease(null).soon();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is a daemon service that starts and stops its timer", async () => {
    vi.useFakeTimers();
    const s = growthRelease({ release: () => {} });
    expect(s.name).toBe("memory");
    await s.start();
    expect(vi.getTimerCount()).toBe(1);
    await s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
