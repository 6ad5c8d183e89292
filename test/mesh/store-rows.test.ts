/**
 * The store side of the mesh tables: a batch is journaled (it survives a
 * crash before any snapshot), applied in key order for reads, and anything
 * malformed is refused with E_STORE_ARG instead of reaching the journal.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { meshRead } from "../../daemon/store/mesh-rows.ts";
import { memoryTables } from "../support/mesh/tables.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const edge = (a: string, b: string, n: number) => [a, b, 1, 2, n, n, 1.5, 2, 2, 2, null];

describe("mesh rows in the store", () => {
  it("a batch survives a crash through the journal and pages in key order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mg-meshrows-"));
    dirs.push(dir);
    const a = await memoryTables(dir, false);
    a.engine.meshWrite({
      upsert: {
        edges: [edge("?b2", "?c3", 1), edge("?a1", "?b2", 2), edge("?a1", "@r0", 3)],
        node_stats: [[2, "?a1", '{"lastHeard":1}']],
        radios: [["r0", "AB".repeat(32), "Roof", 1, 37.5, -122, 5]],
      },
      meta: { key: "mesh.tables", value: '{"v":1,"lastId":9}' },
    });
    a.engine.meshWrite({ delete: { edges: [["?b2", "?c3"]] } });
    a.engine.flushJournal();
    a.engine.abandon(); // no snapshot: only the journal has the rows
    const b = await memoryTables(dir, false);
    const db = b.engine.database;
    expect(meshRead(db, "edges", null, 10).map((r) => `${r[0]}-${r[1]}:${r[4]}`)).toEqual([
      "?a1-?b2:2",
      "?a1-@r0:3",
    ]);
    expect(meshRead(db, "edges", ["?a1", "?b2"], 10)).toHaveLength(1);
    expect(meshRead(db, "radios", null, 10)).toEqual([
      ["r0", "AB".repeat(32), "Roof", 1, 37.5, -122, 5],
    ]);
    expect(b.engine.getMeta("mesh.tables")).toBe('{"v":1,"lastId":9}');
    b.engine.abandon();
  });

  it("refuses malformed batches before they reach the journal", async () => {
    const t = await memoryTables();
    const bad: unknown[] = [
      null,
      { upsert: { nodes: [] } },
      { upsert: { edges: [["?a1"]] } },
      { upsert: { edges: [edge("?a1", "?b2", Number.NaN)] } },
      { upsert: { node_stats: [[1, "", "{}"]] } },
      { delete: { radios: [["r0"]] } },
      { meta: { key: "outbox_dropped", value: "0" } },
      { meta: { key: "mesh.x", value: "x".repeat(1024 * 1024 + 1) } },
      { clear: "yes" },
      { upsert: { edges: Array.from({ length: 5001 }, (_, i) => edge(`?${i}`, "?zz", 1)) } },
    ];
    for (const b of bad) expect(() => t.engine.meshWrite(b)).toThrow(/./);
    for (const b of bad) {
      try {
        t.engine.meshWrite(b);
      } catch (err) {
        expect((err as { code?: string }).code).toBe("E_STORE_ARG");
      }
    }
    expect(meshRead(t.engine.database, "edges", null, 10)).toEqual([]);
    t.engine.abandon();
  });

  it("the mesh tables keep no index beyond their keys, and their reads and deletes use the key", async () => {
    const t = await memoryTables();
    const db = t.engine.database;
    const idx = db.exec(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('edges', 'node_stats', 'mesh_buckets') AND sql IS NOT NULL",
    );
    expect(idx).toEqual([]);
    // A page after a cursor and a delete by key are searches, never a scan of the table.
    const plans = [
      "SELECT a, b FROM edges WHERE (a, b) > (?, ?) ORDER BY a, b LIMIT 10",
      "DELETE FROM edges WHERE a = ? AND b = ?",
    ].map((q) =>
      String(
        db
          .exec(`EXPLAIN QUERY PLAN ${q}`)[0]
          ?.values.map((r) => r[3])
          .join("; "),
      ),
    );
    for (const plan of plans) expect(plan).toMatch(/SEARCH edges USING PRIMARY KEY/);
    t.engine.abandon();
  });
});
