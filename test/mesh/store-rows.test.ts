/**
 * The store side of the mesh tables: a batch is journaled (it survives a
 * crash before any snapshot), applied in key order for reads, and anything
 * malformed is refused with E_STORE_ARG instead of reaching the journal.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ObservationInput } from "../../daemon/store/api.ts";
import type { DbWriter } from "../../daemon/store/apply.ts";
import { retentionSlice } from "../../daemon/store/maintenance.ts";
import { MeshRowsWriter, meshRead, NODE_ROW_KIND } from "../../daemon/store/mesh-rows.ts";
import type { Database } from "../../daemon/store/sqlite.ts";
import { memoryTables } from "../support/mesh/tables.ts";
import { synthObs } from "../support/store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const edge = (a: string, b: string, n: number) => [a, b, 1, 2, n, n, 1.5, 2, 2, 2, null];
const key = (c: string) => c.repeat(64);

/** A node row as ingest writes it (the store's own columns). */
function storeNode(db: Database, publicKey: string, lastSeen: number): void {
  db.run(
    "INSERT INTO nodes (public_key, name, role, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, 'n', 1, 0, ?, 0, 0, 1)",
    [publicKey, lastSeen],
  );
}

/** A hearing of an advert from `publicKey` (ingest upserts its nodes row). */
const advertFor = (publicKey: string): ObservationInput[] => [
  {
    ...synthObs(1),
    payloadType: 4,
    advert: { publicKey, name: "new", role: 2, lat: null, lon: null, advertTimestamp: 99 },
  },
];

const count = (db: Database, sql: string): number => Number(db.exec(sql)[0]?.values[0]?.[0]);

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

  it("a node's row goes into its nodes row when the store has one, and reads back merged in key order", async () => {
    const t = await memoryTables();
    const db = t.engine.database;
    storeNode(db, key("B"), 5);
    storeNode(db, key("D"), 5);
    t.engine.meshWrite({
      upsert: {
        node_stats: [
          [NODE_ROW_KIND, key("A"), "[1]"],
          [NODE_ROW_KIND, key("B"), "[2]"],
          [NODE_ROW_KIND, key("C"), "[3]"],
          [NODE_ROW_KIND, key("D"), "[4]"],
          [2, "?a1", "{}"],
          [3, "?a1", "{}"],
        ],
      },
    });
    // B and D live in their nodes rows; A and C (no store row) in node_stats.
    expect(count(db, "SELECT count(*) FROM nodes WHERE mesh IS NOT NULL")).toBe(2);
    expect(count(db, `SELECT count(*) FROM node_stats WHERE kind = ${NODE_ROW_KIND}`)).toBe(2);
    const whole = meshRead(db, "node_stats", null, 100);
    expect(whole.map((r) => `${r[0]}:${String(r[1]).slice(0, 2)}:${r[2]}`)).toEqual([
      "1:AA:[1]",
      "1:BB:[2]",
      "1:CC:[3]",
      "1:DD:[4]",
      "2:?a:{}",
      "3:?a:{}",
    ]);
    // Page by page from every cursor gives the same rows, none twice.
    const paged = [];
    let after: (string | number | null)[] | null = null;
    for (;;) {
      const page = meshRead(db, "node_stats", after, 1);
      if (page.length === 0) break;
      paged.push(...page);
      after = [page[0]![0]!, page[0]![1]!];
    }
    expect(paged).toEqual(whole);
    // A node the store learns later: the next save moves its row out of node_stats.
    storeNode(db, key("A"), 5);
    t.engine.meshWrite({ upsert: { node_stats: [[NODE_ROW_KIND, key("A"), "[5]"]] } });
    expect(count(db, `SELECT count(*) FROM node_stats WHERE kind = ${NODE_ROW_KIND}`)).toBe(1);
    expect(meshRead(db, "node_stats", null, 1)).toEqual([[NODE_ROW_KIND, key("A"), "[5]"]]);
    // Deletes reach both places; ingest's own columns stay.
    t.engine.meshWrite({
      delete: {
        node_stats: [
          [NODE_ROW_KIND, key("B")],
          [NODE_ROW_KIND, key("C")],
        ],
      },
    });
    expect(meshRead(db, "node_stats", null, 100).map((r) => String(r[1])[0])).toEqual([
      "A",
      "D",
      "?",
      "?",
    ]);
    expect(count(db, "SELECT count(*) FROM nodes")).toBe(3);
    // A clear empties the column too.
    t.engine.meshWrite({ clear: true });
    expect(meshRead(db, "node_stats", null, 100)).toEqual([]);
    expect(count(db, "SELECT count(*) FROM nodes")).toBe(3);
    t.engine.abandon();
  });

  it("a clear empties the node column of thousands of nodes, a slice of keys at a time", async () => {
    const t = await memoryTables();
    const db = t.engine.database;
    const keys = Array.from({ length: 2_500 }, (_, i) =>
      i.toString(16).toUpperCase().padStart(64, "0"),
    );
    for (const k of keys) storeNode(db, k, 1);
    for (let i = 0; i < keys.length; i += 500)
      t.engine.meshWrite({
        upsert: { node_stats: keys.slice(i, i + 500).map((k) => [NODE_ROW_KIND, k, "[1]"]) },
      });
    expect(count(db, "SELECT count(*) FROM nodes WHERE mesh IS NOT NULL")).toBe(2_500);
    t.engine.meshWrite({ clear: true, upsert: { node_stats: [[NODE_ROW_KIND, keys[7]!, "[2]"]] } });
    expect(meshRead(db, "node_stats", null, 5000)).toEqual([[NODE_ROW_KIND, keys[7], "[2]"]]);
    expect(count(db, "SELECT count(*) FROM nodes")).toBe(2_500);
    // Emptying commits ahead of the batch, so the saved head goes first: a
    // batch that then failed leaves no head claiming the emptied rows.
    t.engine.meshWrite({ meta: { key: "mesh.tables", value: "{}" } });
    new MeshRowsWriter(db).clearNodeColumn();
    expect(t.engine.getMeta("mesh.tables")).toBeNull();
    expect(count(db, "SELECT count(*) FROM nodes WHERE mesh IS NOT NULL")).toBe(0);
    t.engine.abandon();
  });

  it("ingest's upsert of a node keeps its mesh row, and an eviction moves it back to node_stats", async () => {
    const t = await memoryTables();
    const db = t.engine.database;
    storeNode(db, key("E"), 1);
    storeNode(db, key("F"), 9);
    t.engine.meshWrite({
      upsert: {
        node_stats: [
          [NODE_ROW_KIND, key("E"), "[1]"],
          [NODE_ROW_KIND, key("F"), "[2]"],
        ],
      },
    });
    t.engine.ingest(advertFor(key("F")));
    expect(meshRead(db, "node_stats", null, 10).map((r) => r[2])).toEqual(["[1]", "[2]"]);
    const w = { nextObsId: 1 } as unknown as DbWriter;
    retentionSlice(
      db,
      w,
      {
        maxDbBytes: 1e12,
        maxAgeMs: 1e15,
        rollupMaxAgeMs: 1e15,
        maxNodes: 1,
        outboxMaxAgeMs: 1e15,
        sliceRows: 100,
      },
      Date.now(),
      false,
    );
    expect(count(db, "SELECT count(*) FROM nodes")).toBe(1);
    expect(count(db, `SELECT count(*) FROM node_stats WHERE kind = ${NODE_ROW_KIND}`)).toBe(1);
    expect(meshRead(db, "node_stats", null, 10).map((r) => r[2])).toEqual(["[1]", "[2]"]);
    t.engine.abandon();
  });
});
