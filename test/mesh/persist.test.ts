/**
 * The mesh state in store tables at scale: thousands of nodes and tens of
 * thousands of edges are saved in batches of at most SAVE_BATCH rows (nothing large
 * in meta) and read back to the same state. bench/mesh-tables.ts runs the
 * same at 20,000 nodes and 100,000 edges and reports time and memory.
 */
import { describe, expect, it } from "vitest";
import {
  Dirty,
  loadTables,
  parseHead,
  SAVE_BATCH,
  saveChanges,
  TABLES_META_KEY,
} from "../../daemon/mesh/persist.ts";
import { STEP_UNITS } from "../../daemon/mesh/rebuild.ts";
import { StepBudget } from "../../daemon/mesh/scheduler.ts";
import { MeshState } from "../../daemon/mesh/state.ts";
import { resolveConfig } from "../../daemon/mesh/types.ts";
import { bigState } from "../support/mesh/big.ts";
import { plainEdge } from "../support/mesh/edge.ts";
import { obs } from "../support/mesh/obs.ts";
import { memoryTables } from "../support/mesh/tables.ts";

describe("mesh tables at scale", () => {
  it("5,000 nodes and 25,000 edges save in small batches and restore", async () => {
    const s = bigState(5_000, 25_000);
    expect(s.nodes.size).toBe(5_000);
    expect(s.graph.size).toBeGreaterThanOrEqual(25_000);
    const t = await memoryTables();
    const d = new Dirty();
    d.all = true;
    const rows = await saveChanges(t.port, s, d, Date.UTC(2026, 4, 2));
    expect(rows).toBeGreaterThan(30_000);
    expect(t.writes.maxRows).toBeLessThanOrEqual(SAVE_BATCH);
    expect(t.writes.batches).toBeGreaterThan(60);
    const meta = t.engine.getMeta(TABLES_META_KEY)!;
    expect(meta.length).toBeLessThan(64 * 1024);
    const longest = t.engine.database.exec("SELECT max(length(value)) FROM meta")[0]
      ?.values[0]?.[0];
    expect(Number(longest)).toBeLessThan(1024 * 1024);

    const back = new MeshState(resolveConfig({ maxEdges: 200_000, maxNodes: 40_000 }));
    const stats = { skipped: 0, rows: 0 };
    for await (const _ of loadTables(
      t.port,
      back,
      parseHead(meta)!,
      stats,
      new StepBudget(STEP_UNITS.rows, Number.POSITIVE_INFINITY),
    )) {
      // one page per step
    }
    expect(stats.skipped).toBe(0);
    expect(back.nodes.size).toBe(s.nodes.size);
    expect(back.graph.size).toBe(s.graph.size);
    expect(back.lastId).toBe(s.lastId);
    back.settle();
    for (const e of [...s.graph.values()].slice(0, 2000)) {
      const f = back.graph.get(e.a, e.b);
      expect(plainEdge(f)).toEqual(plainEdge(e));
    }
    // A second save with nothing changed writes only the head.
    const again = await saveChanges(t.port, back, new Dirty(), Date.UTC(2026, 4, 2));
    expect(again).toBe(0);
    t.engine.abandon();
  }, 120_000);

  it("saves statistics as arrays (version 4) and still restores version 3's named fields", async () => {
    const s = bigState(400, 2_000);
    const t = await memoryTables();
    const d = new Dirty();
    d.all = true;
    await saveChanges(t.port, s, d, Date.UTC(2026, 4, 2));
    const db = t.engine.database;
    const all = (sql: string) => db.exec(sql)[0]?.values ?? [];
    const rfRows = all("SELECT a, b, rf FROM edges WHERE rf IS NOT NULL");
    const tokenRows = all("SELECT id, data FROM node_stats WHERE kind = 2");
    expect(rfRows.length).toBeGreaterThan(100);
    expect(tokenRows.length).toBeGreaterThan(100);
    // Version 4: [snr, rssi] of [n, sum, min, max, last, recent]; token rows as arrays.
    for (const [, , rf] of rfRows) {
      const v = JSON.parse(String(rf));
      expect(v).toHaveLength(2);
      expect(v[0]).toHaveLength(6);
    }
    for (const [, data] of tokenRows) expect(Array.isArray(JSON.parse(String(data)))).toBe(true);
    const bytes = () =>
      Number(all("SELECT sum(length(rf)) FROM edges")[0]?.[0]) +
      Number(all("SELECT sum(length(data)) FROM node_stats")[0]?.[0]);
    const v4Bytes = bytes();
    // Rewritten as version 3 wrote them: statistics and tokens with named fields.
    const named = (x: number[] | null) =>
      x && { n: x[0], sum: x[1], min: x[2], max: x[3], last: x[4], recent: x[5] };
    for (const [a, b, rf] of rfRows) {
      const [snr, rssi] = JSON.parse(String(rf));
      db.run("UPDATE edges SET rf = ? WHERE a = ? AND b = ?", [
        JSON.stringify({ snr: named(snr), rssi: named(rssi) }),
        a ?? null,
        b ?? null,
      ]);
    }
    for (const [id, data] of tokenRows) {
      const [lastHeard, fewestHops, relayed, lastDirect, snr, rssi] = JSON.parse(String(data));
      const v3 = { lastHeard, fewestHops, relayed, lastDirect, snr: named(snr), rssi: named(rssi) };
      db.run("UPDATE node_stats SET data = ? WHERE kind = 2 AND id = ?", [
        JSON.stringify(v3),
        id ?? null,
      ]);
    }
    for (const [id, data] of all("SELECT id, data FROM node_stats WHERE kind = 1")) {
      const row = JSON.parse(String(data));
      if (Array.isArray(row[14])) row[14] = named(row[14]);
      if (Array.isArray(row[15])) row[15] = named(row[15]);
      db.run("UPDATE node_stats SET data = ? WHERE kind = 1 AND id = ?", [
        JSON.stringify(row),
        id ?? null,
      ]);
    }
    expect(bytes()).toBeGreaterThan(v4Bytes * 1.5);
    const meta = t.engine.getMeta(TABLES_META_KEY)!.replace('"v":4', '"v":3');
    const head = parseHead(meta)!;
    expect(head.older).toBe(true);
    const back = new MeshState(resolveConfig({ maxEdges: 8_000, maxNodes: 2_000 }));
    const stats = { skipped: 0, rows: 0 };
    for await (const _ of loadTables(
      t.port,
      back,
      head,
      stats,
      new StepBudget(STEP_UNITS.rows, Number.POSITIVE_INFINITY),
    )) {
      // one page per step
    }
    expect(stats.skipped).toBe(0);
    back.settle();
    expect(back.graph.size).toBe(s.graph.size);
    for (const e of s.graph.values()) {
      expect(plainEdge(back.graph.get(e.a, e.b))).toEqual(plainEdge(e));
    }
    const byId = (m: MeshState) => [...m.tokens].sort(([x], [y]) => (x < y ? -1 : 1));
    expect(byId(back)).toEqual(byId(s));
    for (const k of s.nodes.index.keys()) expect(back.nodes.get(k)).toEqual(s.nodes.get(k));
    t.engine.abandon();
  });

  it("a full save writes the node rows in key order, so a batch's rows share the store's pages", async () => {
    const s = bigState(1_200, 100);
    const t = await memoryTables();
    const ids: string[] = [];
    const port = {
      ...t.port,
      meshWrite: async (b: Parameters<typeof t.port.meshWrite>[0]) => {
        for (const r of b.upsert?.node_stats ?? []) if (r[0] === 1) ids.push(String(r[1]));
        return t.port.meshWrite(b);
      },
    };
    const d = new Dirty();
    d.all = true;
    await saveChanges(port, s, d, Date.UTC(2026, 4, 2));
    expect(ids).toHaveLength(1_200);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(s.nodes.index.keys());
    t.engine.abandon();
  });

  it("a full save reads the live state as it goes; what changes meanwhile is written by the next save", async () => {
    const s = bigState(300, 2_000);
    const t = await memoryTables();
    const d = new Dirty();
    d.all = true;
    s.onTouch = (kind, id) => d.touch(kind, id);
    let writes = 0;
    const port = {
      ...t.port,
      meshWrite: async (b: Parameters<typeof t.port.meshWrite>[0]) => {
        await t.port.meshWrite(b);
        // After the first batch, a packet over two unheard hops adds two edges.
        if (++writes === 1) s.observe(obs({ hops: ["f1", "f2"], radioKey: null }));
      },
    };
    await saveChanges(port, s, d, Date.UTC(2026, 4, 2));
    expect(writes).toBeGreaterThan(2);
    expect(d.empty).toBe(false);
    const rows = await saveChanges(t.port, s, d, Date.UTC(2026, 4, 2));
    expect(rows).toBeGreaterThan(0);
    expect(d.empty).toBe(true);
    const back = new MeshState(resolveConfig({}));
    const stats = { skipped: 0, rows: 0 };
    const head = parseHead(t.engine.getMeta(TABLES_META_KEY))!;
    const step = new StepBudget(STEP_UNITS.rows, Number.POSITIVE_INFINITY);
    for await (const _ of loadTables(t.port, back, head, stats, step)) {
      // one step at a time
    }
    expect(back.graph.size).toBe(s.graph.size);
    expect(back.graph.get("?f1", "?f2")).toBeDefined();
    expect(back.lastId).toBe(s.lastId);
    t.engine.abandon();
  });
});
