import { describe, expect, it } from "vitest";
import type { DbWriter } from "../../daemon/store/apply.ts";
import { retentionSlice } from "../../daemon/store/maintenance.ts";
import { migrate } from "../../daemon/store/migrate.ts";
import { listNodes } from "../../daemon/store/queries.ts";
import { loadSqlJs } from "../../daemon/store/sqlite.ts";
import { shippedMigrations } from "../support/store.ts";

const migrations = shippedMigrations();

async function withNodes(lastSeen: readonly number[]) {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, migrations);
  lastSeen.forEach((t, i) => {
    db.run(
      "INSERT INTO nodes (public_key, name, role, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, ?, 1, 0, ?, 0, 0, 1)",
      [i.toString(16).padStart(64, "0"), `n${i}`, t],
    );
  });
  return db;
}

describe("nodes without an index on last_seen", () => {
  it("the latest schema keeps no index on nodes beyond its key", async () => {
    const db = await withNodes([]);
    const idx = db.exec(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'nodes'",
    );
    // Only the WITHOUT ROWID primary key, which SQLite does not list by name.
    expect(idx).toEqual([]);
  });

  it("listNodes returns the last heard first, ties by key", async () => {
    const db = await withNodes([5, 9, 1, 9, 7]);
    const got = listNodes(db).map((n) => [n.name, n.lastSeen]);
    expect(got).toEqual([
      ["n1", 9],
      ["n3", 9],
      ["n4", 7],
      ["n0", 5],
      ["n2", 1],
    ]);
  });

  it("retention past maxNodes drops the longest unheard", async () => {
    const db = await withNodes([50, 10, 40, 20, 30]);
    const w = { nextObsId: 1 } as unknown as DbWriter;
    const opts = {
      maxDbBytes: 1e9,
      maxAgeMs: 1e12,
      rollupMaxAgeMs: 1e12,
      maxNodes: 3,
      outboxMaxAgeMs: 1e12,
      sliceRows: 100,
    };
    retentionSlice(db, w, opts, 1000, false);
    expect(listNodes(db).map((n) => n.lastSeen)).toEqual([50, 40, 30]);
  });
});
