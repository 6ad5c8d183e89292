/** Statistics rows only for the records a radio heard directly. */
import { describe, expect, it } from "vitest";
import { RfRows } from "../../daemon/mesh/rows.ts";

describe("rf rows", () => {
  it("make a row only when a value comes, and hand a freed one out again empty", () => {
    const rf = new RfRows();
    expect(rf.add(0, null, null)).toBe(0);
    expect(rf.live).toBe(0);
    const a = rf.add(0, 5.25, null);
    expect(a).toBeGreaterThan(0);
    expect(rf.add(a, null, -90)).toBe(a);
    expect(rf.snr(a)).toMatchObject({ n: 1, last: 5.25 });
    expect(rf.rssi(a)).toMatchObject({ n: 1, last: -90 });
    const b = rf.put(0, null, { n: 2, sum: -180, min: -91, max: -89, last: -89, recent: -89.4 });
    expect([rf.live, rf.snr(b), rf.rssi(b)?.n]).toEqual([2, null, 2]);
    // A saved record without statistics frees its row.
    expect(rf.put(a, null, null)).toBe(0);
    expect(rf.live).toBe(1);
    const c = rf.add(0, null, -70);
    expect(c).toBe(a);
    expect([rf.snr(c), rf.rssi(c)?.n]).toEqual([null, 1]);
    expect([rf.snr(0), rf.rssi(0)]).toEqual([null, null]);
  });
});
