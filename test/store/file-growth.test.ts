import { describe, expect, it } from "vitest";
import {
  FileGrowthCollector,
  growthCheck,
  REPLAY_CHECK_BYTES,
} from "../../daemon/store/file-growth.ts";
import { dbBytes } from "../../daemon/store/maintenance.ts";
import { loadSqlJs } from "../../daemon/store/sqlite.ts";

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

  it("during replay, looks at the file once per REPLAY_CHECK_BYTES of records, and at once after a large one", async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.exec("CREATE TABLE t (v TEXT)");
    let calls = 0;
    const check = growthCheck(() => calls++);
    check(db, 10); // the baseline
    const before = dbBytes(db).total;
    db.run("INSERT INTO t VALUES (?)", ["x".repeat(8 * before)]);
    // Grown far past a tenth, but small records have not added up to a look yet.
    check(db, REPLAY_CHECK_BYTES / 2);
    expect(calls).toBe(0);
    check(db, REPLAY_CHECK_BYTES / 2);
    expect(calls).toBe(1);
    // A record of the gate's size is looked at alone.
    db.run("INSERT INTO t VALUES (?)", ["y".repeat(8 * dbBytes(db).total)]);
    check(db, REPLAY_CHECK_BYTES);
    expect(calls).toBe(2);
    db.close();
  });
});
