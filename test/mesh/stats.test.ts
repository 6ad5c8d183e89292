/** The running statistics kept in a row of doubles agree with the object form. */
import { describe, expect, it } from "vitest";
import {
  addStat,
  addStatAt,
  type RunningStats,
  readStatsAt,
  STATS_WIDTH,
} from "../../daemon/mesh/stats.ts";
import { TestRng } from "../support/rng.ts";

describe("statistics in a row", () => {
  it("addStatAt gives what addStat gives, value for value, beside other rows", () => {
    const rng = new TestRng(3);
    const f = new Float64Array(3 * STATS_WIDTH);
    let s: RunningStats | null = null;
    expect(readStatsAt(f, STATS_WIDTH)).toBeNull();
    for (let i = 0; i < 500; i++) {
      const v = rng.int(-130, 40) / 4;
      s = addStat(s, v);
      addStatAt(f, STATS_WIDTH, v);
      expect(readStatsAt(f, STATS_WIDTH)).toEqual(s);
    }
    // The rows on either side are untouched.
    expect(
      [...f.subarray(0, STATS_WIDTH), ...f.subarray(2 * STATS_WIDTH)].every((x) => x === 0),
    ).toBe(true);
  });
});
