import { afterEach, describe, expect, it, vi } from "vitest";
import {
  memoryReleaser,
  periodicRelease,
  RELEASE_EVERY_MS,
  releaseMemoryEvery,
} from "../../daemon/core/gc.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("memory release", () => {
  it("offers V8's compacting collection in this engine", () => {
    const release = memoryReleaser();
    expect(release).toBeTypeOf("function");
    // A collection with garbage about: it runs, and the heap is not bigger after it.
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
    const stop = releaseMemoryEvery(1000, null);
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });

  it("is a daemon service that starts and stops its timer", async () => {
    vi.useFakeTimers();
    const s = periodicRelease(RELEASE_EVERY_MS);
    expect(s.name).toBe("memory");
    await s.start();
    expect(vi.getTimerCount()).toBe(1);
    await s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
