import { describe, expect, it } from "vitest";
import { FileGrowthCollector } from "../../daemon/store/file-growth.ts";

describe("FileGrowthCollector", () => {
  it("collects once per tenth of growth, not on writes that keep the size", () => {
    let calls = 0;
    const g = new FileGrowthCollector(() => calls++, 1_000_000);
    expect(g.check(1_000_000)).toBe(false);
    expect(g.check(1_090_000)).toBe(false);
    expect(g.check(1_120_000)).toBe(true);
    expect(calls).toBe(1);
    // Measured from the size at that collection now.
    expect(g.check(1_200_000)).toBe(false);
    expect(g.check(1_240_000)).toBe(true);
    // Tenfold in one step: one collection.
    expect(g.check(12_000_000)).toBe(true);
    expect(calls).toBe(3);
  });

  it("takes a compacted file as the new baseline", () => {
    let calls = 0;
    const g = new FileGrowthCollector(() => calls++, 4_000_000);
    expect(g.check(2_000_000)).toBe(false);
    expect(g.check(2_300_000)).toBe(true);
    expect(calls).toBe(1);
  });
});
