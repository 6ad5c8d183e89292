/**
 * MeshModel as a service: readiness, background rebuild from a store-like
 * source with atomic swap, live observations during a rebuild, persistence.
 */
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel, type MeshModelOptions, TABLES_META_KEY } from "../../daemon/mesh/model.ts";
import { NODE_ROW_FIELDS, restoreNode } from "../../daemon/mesh/parse.ts";
import { LARGE_SAVE_ROWS } from "../../daemon/mesh/persist.ts";
import { MeshState } from "../../daemon/mesh/state.ts";
import { resolveConfig } from "../../daemon/mesh/types.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";
import { MemorySource, nodeRow } from "../support/mesh/source.ts";
import { memoryTables } from "../support/mesh/tables.ts";

const T0 = Date.UTC(2026, 4, 1);
const R = key("ee", 1);
const A = key("a1", 1);
const B = key("b2", 1);
const pair = (x: { a: string; b: string }) => [x.a, x.b].sort().join("|");
/** The model's edge between A and B, if it has one. */
const edgeAB = (m: MeshModel) => m.graph().edges.find((x) => pair(x) === [A, B].sort().join("|"));

/** A model on the fixed clock T0 with a silent log; `more` sets the rest. */
const model = (more: Partial<MeshModelOptions> = {}) =>
  new MeshModel({ config: {}, log: silentLogger(), now: () => T0, ...more });

function source(n: number): MemorySource {
  const s = new MemorySource();
  s.nodeRows = [nodeRow(A, { name: "Alpha", lat: 37, lon: -122 }), nodeRow(B)];
  for (let i = 0; i < n; i++) {
    s.add(obs({ at: T0 + i * 1000, hops: [hopOf(A), hopOf(B)], radioKey: R }));
  }
  return s;
}

describe("MeshModel rebuild", () => {
  it("is not ready until the first rebuild, reports progress, then answers from the new state", async () => {
    const m = model({ config: { sliceMs: 2 }, batch: 100 });
    const src = source(1000);
    expect(m.ready()).toBe(false);
    expect(m.progress().phase).toBe("idle");
    const phases = new Set<string>();
    src.onScan = () => phases.add(m.progress().phase);
    const p = m.rebuild(src);
    expect(m.rebuild(src)).toBe(p); // one rebuild at a time
    expect(m.ready()).toBe(false);
    await p;
    expect(m.ready()).toBe(true);
    expect(phases.has("observations")).toBe(true);
    expect(src.scans).toBe(11); // 10 pages and the empty one
    expect(m.progress().phase).toBe("ready");
    // Rows carry no radio key; the edge B-? to the radio is unknown, A-B is there.
    const e = edgeAB(m);
    expect(e).toMatchObject({ sightings: 1000, observations: 1000 });
    expect(m.node(A)?.name).toBe("Alpha");
    expect(m.stats()).toMatchObject({ lastId: 1000, rebuilds: 1, ready: true });
  });

  it("keeps answering from the old state during a rebuild and folds in live observations", async () => {
    const m = model({ config: { sliceMs: 1 }, batch: 50 });
    const src = source(300);
    await m.rebuild(src);
    const before = edgeAB(m)?.sightings;
    expect(before).toBe(300);
    // Rebuild again; mid-way a live observation arrives (stored as id 301 after the scan passed).
    let injected = false;
    src.onScan = (after) => {
      if (after >= 100 && !injected) {
        injected = true;
        const live = obs({ at: T0 + 999_000, hops: [hopOf(A), hopOf(B)], radioKey: R });
        src.add(live);
        m.observe({ ...live, id: src.rows.length });
        // Queries answer meanwhile, from the old state plus the live observation.
        expect(m.ready()).toBe(true);
        expect(edgeAB(m)?.sightings).toBe(301);
      }
    };
    await m.rebuild(src);
    expect(injected).toBe(true);
    // Exactly once in the new state: scanned from the store, not also replayed.
    expect(edgeAB(m)?.sightings).toBe(301);
    expect(m.stats().lastId).toBe(301);
  });

  it("a live observation the scan cannot see yet is replayed after the scan", async () => {
    const m = model({ batch: 1000 });
    const src = source(10);
    src.onScan = (after) => {
      if (after === 10) m.observe({ ...obs({ hops: [hopOf(B), hopOf(A)], radioKey: R }), id: 11 });
    };
    await m.rebuild(src);
    expect(edgeAB(m)?.sightings).toBe(11);
  });

  it("live observations without a store id are folded in once, in the sliced catch-up", async () => {
    const m = model({ batch: 10 });
    const src = source(50);
    let fed = 0;
    src.onScan = () => {
      for (let i = 0; i < 100; i++, fed++)
        m.observe(obs({ hops: [hopOf(A), hopOf(B)], radioKey: R }));
    };
    await m.rebuild(src);
    expect(fed).toBe(600); // six scans: five pages and the empty one
    expect(edgeAB(m)?.sightings).toBe(650);
  });

  it("rebuild 'current' starts from the present state and reads only newer rows", async () => {
    const m = model();
    const src = source(20);
    await m.rebuild(src);
    src.add(obs({ hops: [hopOf(A), hopOf(B)], radioKey: R }));
    const scans = src.scans;
    await m.rebuild(src, { from: "current" });
    expect(src.scans - scans).toBe(2); // one page with the new row, then empty
    expect(edgeAB(m)?.sightings).toBe(21);
  });

  it("a failing source leaves the old state serving", async () => {
    const m = model();
    await m.rebuild(source(5));
    const broken = source(5);
    broken.scanObservations = async () => {
      throw new Error("disk gone");
    };
    await expect(m.rebuild(broken)).rejects.toThrow("disk gone");
    expect(m.ready()).toBe(true);
    expect(m.graph().edges.length).toBeGreaterThan(0);
    await expect(m.rebuild(source(1))).resolves.toBeUndefined();
  });
});

describe("MeshModel persistence in store tables", () => {
  it("stop() saves rows, start() + rebuild restores them and reads only newer rows", async () => {
    const t = await memoryTables();
    const a = model({ tables: t.port });
    await a.start();
    expect(a.ready()).toBe(false);
    await a.rebuild(source(7));
    await a.stop();
    expect(t.engine.getMeta(TABLES_META_KEY)).toContain('"lastId":7');
    const rows = (sql: string) => Number(t.engine.database.exec(sql)[0]?.values[0]?.[0]);
    expect(rows("SELECT count(*) FROM edges")).toBe(a.stats().edges);
    expect(rows("SELECT count(*) FROM node_stats WHERE kind = 1")).toBe(a.nodes().length);
    expect(rows("SELECT count(*) FROM mesh_buckets WHERE ring_ms = 60000")).toBe(1);
    const b = model({ tables: t.port });
    await b.start();
    expect(b.ready()).toBe(false);
    // The first rebuild restores the tables, then reads only rows past their watermark.
    const src = source(9);
    await b.rebuild(src);
    expect(src.scans).toBe(2);
    expect(b.stats().lastId).toBe(9);
    const c = model();
    await c.rebuild(source(9));
    expect(b.graph()).toEqual(c.graph());
    expect(b.nodes()).toEqual(c.nodes());
    expect(b.analytics("packets", "1h")).toEqual(c.analytics("packets", "1h"));
    await b.stop();
    t.engine.abandon();
  });

  it("tables saved by an older version are restored, then written again whole at the next save", async () => {
    const t = await memoryTables();
    const a = model({ tables: t.port });
    await a.start();
    await a.rebuild(source(7));
    await a.stop();
    // As tables version 2 left them: the head says 2, node rows in field order.
    const db = t.engine.database;
    const head = t.engine.getMeta(TABLES_META_KEY)!.replace('"v":4', '"v":2');
    t.engine.meshWrite({ meta: { key: TABLES_META_KEY, value: head } });
    const stored = db.exec("SELECT id, data FROM node_stats WHERE kind = 1")[0]!.values;
    for (const [id, data] of stored) {
      const s = new MeshState(resolveConfig());
      expect(restoreNode(s, String(id), JSON.parse(String(data)))).toBe(true);
      const n = s.nodes.get(String(id))!;
      const v2 = JSON.stringify(NODE_ROW_FIELDS.map((f) => n[f]));
      db.run("UPDATE node_stats SET data = ? WHERE kind = 1 AND id = ?", [v2, id ?? null]);
    }
    const b = model({ tables: t.port });
    await b.start();
    await b.rebuild(source(7));
    expect(b.nodes().length).toBe(a.nodes().length);
    await b.persist();
    expect(t.engine.getMeta(TABLES_META_KEY)).toContain('"v":4');
    const rows = db.exec("SELECT data FROM node_stats WHERE kind = 1")[0]!.values;
    expect(rows).toHaveLength(stored.length);
    for (const [data] of rows) expect(typeof JSON.parse(String(data))[0]).toBe("number");
    await b.stop();
    t.engine.abandon();
  });

  it("a node evicted past maxNodes loses its saved row too", async () => {
    const t = await memoryTables();
    const now = { t: T0 };
    const m = model({ config: { maxNodes: 20 }, now: () => now.t, tables: t.port });
    await m.start();
    await m.rebuild(source(0));
    const count = () =>
      Number(
        t.engine.database.exec("SELECT count(*) FROM node_stats WHERE kind = 1")[0]?.values[0]?.[0],
      );
    // Up to the cap (the source's nodes and the radio's own count too): nothing evicted yet.
    for (let i = 0; m.nodes().length < 20; i++) {
      m.observe(advertObs(advertOf(key("c0", i)), [], { radioKey: R, at: T0 + i * 1000 }));
    }
    await m.persist();
    const saved = count();
    expect(saved).toBe(20);
    expect(m.stats().counters.nodesEvicted).toBe(0);
    // One more node: the cap evicts the longest-unheard tenth, and the next save drops their rows.
    m.observe(advertObs(advertOf(key("c1", 99)), [], { radioKey: R, at: T0 + 60_000 }));
    expect(m.stats().counters.nodesEvicted).toBeGreaterThan(0);
    await m.persist();
    expect(m.nodes().length).toBe(19);
    expect(count()).toBe(19);
    await m.stop();
    t.engine.abandon();
  });

  it("a scratch rebuild replaces the saved rows; malformed rows are skipped, not thrown", async () => {
    const t = await memoryTables();
    const a = model({ tables: t.port });
    await a.start();
    await a.rebuild(source(5));
    await a.stop();
    t.engine.meshWrite({
      upsert: {
        edges: [["?zz", "?a1", 0, 0, 1, 1, 1, 0, 2, 2, null]],
        node_stats: [
          [1, "NOTAKEY", "{}"],
          [2, "?a1", "not json"],
        ],
      },
    });
    const b = model({ tables: t.port });
    await b.start();
    await b.rebuild(source(5));
    expect(b.graph().edges.some((e) => e.a === "?zz" || e.b === "?zz")).toBe(false);
    await b.rebuild(source(3), { from: "scratch" });
    await b.stop();
    const n = Number(t.engine.database.exec("SELECT count(*) FROM edges")[0]?.values[0]?.[0]);
    expect(n).toBe(b.stats().edges);
    t.engine.abandon();
  });

  it("a build and a save of at least one full batch are followed by a memory release; a small save is not", async () => {
    const t = await memoryTables();
    let releases = 0;
    const m = model({
      config: { maxNodes: 2000 },
      tables: t.port,
      releaseMemory: () => releases++,
      releaseDelayMs: 1,
    });
    await m.start();
    await m.rebuild(source(0));
    expect(releases).toBe(0);
    await vi.waitFor(() => expect(releases).toBe(1));
    for (let i = 0; i < LARGE_SAVE_ROWS; i++) {
      m.observe(advertObs(advertOf(key("c0", i)), [], { radioKey: R, at: T0 + i }));
    }
    await m.persist();
    expect(m.stats().saves.rows).toBeGreaterThanOrEqual(LARGE_SAVE_ROWS);
    expect(releases).toBe(2);
    m.observe(advertObs(advertOf(key("c1", 1)), [], { radioKey: R, at: T0 + 60_000 }));
    await m.persist();
    expect(m.stats().saves.count).toBe(2);
    expect(releases).toBe(2);
    await m.stop();
    t.engine.abandon();
  });
});
