import { afterEach, describe, expect, it, vi } from "vitest";
import { LAG_RESOLUTION_MS, LoopLag } from "../../daemon/core/loop-lag.ts";

describe("LoopLag", () => {
  afterEach(() => vi.useRealTimers());

  it("reports 0 for every figure before any sample", () => {
    const lag = new LoopLag(() => 0);
    expect([lag.quantile(0.5), lag.quantile(0.99), lag.max, lag.count]).toEqual([0, 0, 0, 0]);
  });

  it("records how late each firing ran past its 20 ms", () => {
    let t = 1000;
    const lag = new LoopLag(() => t);
    lag.start();
    for (const late of [0, 1, 2, 50]) {
      t += LAG_RESOLUTION_MS + late;
      lag.tick();
    }
    lag.stop();
    expect(lag.count).toBe(4);
    expect(lag.max).toBe(50);
    expect(lag.quantile(0.5)).toBeGreaterThanOrEqual(1);
    expect(lag.quantile(0.5)).toBeLessThanOrEqual(1.05);
    expect(lag.quantile(1)).toBe(50);
  });

  it("finds quantiles to within 5% over a wide spread", () => {
    const lag = new LoopLag(() => 0);
    // 1..1000 ms, one sample each.
    for (let ms = 1; ms <= 1000; ms++) lag.record(ms);
    for (const [q, want] of [
      [0.5, 500],
      [0.9, 900],
      [0.99, 990],
    ] as const) {
      const got = lag.quantile(q);
      expect(got, `q=${q}`).toBeGreaterThanOrEqual(want);
      expect(got, `q=${q}`).toBeLessThanOrEqual(want * 1.05);
    }
    expect(lag.quantile(1)).toBe(1000);
  });

  it("counts a firing that ran early as no delay, and one past the last bucket at its size", () => {
    const lag = new LoopLag(() => 0);
    lag.record(-3);
    lag.record(10 * 3_600_000);
    expect(lag.quantile(0.5)).toBe(0.01);
    expect(lag.max).toBe(36_000_000);
    expect(lag.quantile(1)).toBe(36_000_000);
  });

  it("starts over after a reset", () => {
    const lag = new LoopLag(() => 0);
    lag.record(40);
    lag.reset();
    lag.record(2);
    expect(lag.max).toBe(2);
    expect(lag.quantile(0.99)).toBeLessThanOrEqual(2);
    expect(lag.count).toBe(1);
  });

  it("samples on a real timer, and stops", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const lag = new LoopLag();
    lag.start();
    lag.start();
    vi.advanceTimersByTime(LAG_RESOLUTION_MS * 5);
    expect(lag.count).toBe(5);
    lag.stop();
    vi.advanceTimersByTime(LAG_RESOLUTION_MS * 5);
    expect(lag.count).toBe(5);
  });
});
