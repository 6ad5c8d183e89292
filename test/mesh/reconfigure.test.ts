/**
 * Live mesh tuning: MeshModel.reconfigure builds a state with the new
 * settings in the background and swaps it in. Meanwhile the old state
 * answers and /api/health's `index` shows the rebuild; afterwards the new
 * caps hold, history the store no longer has is kept, and a live
 * observation that arrived during the rebuild is in the new state once.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { meshPortFrom } from "../../daemon/http/adapters.ts";
import type { MeshReadiness } from "../../daemon/http/ports.ts";
import { MeshModel, TABLES_META_KEY } from "../../daemon/mesh/model.ts";
import { hopOf, key, obs } from "../support/mesh/obs.ts";
import { MemorySource, nodeRow } from "../support/mesh/source.ts";
import { memoryTables } from "../support/mesh/tables.ts";

const T0 = Date.UTC(2026, 4, 1);
const R = key("ee", 1);
const A = key("a1", 1);
const B = key("b2", 1);
const C = key("c3", 1);
const OLD = 300;

const isAB = (e: { a: string; b: string }) =>
  [e.a, e.b].sort().join("|") === [A, B].sort().join("|");

describe.each([
  ["saved to store tables first", true],
  ["copied from the current state", false],
])("MeshModel.reconfigure, %s", (_, withTables) => {
  it("swaps in a state built with the new settings, keeping history and live observations", async () => {
    const t = withTables ? await memoryTables() : null;
    const m = new MeshModel({
      config: { sliceMs: 1 },
      log: silentLogger(),
      now: () => T0 + 3_600_000,
      batch: 50,
      ...(t ? { tables: t.port } : {}),
    });
    await m.start();
    const src = new MemorySource();
    src.nodeRows = [
      nodeRow(A, { name: "Alpha", firstSeen: T0, lastSeen: T0 + OLD * 1000 }),
      nodeRow(B, { name: "Bravo", firstSeen: T0, lastSeen: T0 + OLD * 1000 }),
      nodeRow(C, { firstSeen: T0 - 86_400_000, lastSeen: T0 - 86_400_000 }),
    ];
    for (let i = 0; i < OLD; i++)
      src.add(obs({ at: T0 + i * 1000, hops: [hopOf(A), hopOf(B)], radioKey: R }));
    await m.rebuild(src);
    const index = meshPortFrom(m).readiness;
    expect(index()).toEqual({ ready: true, progress: 1 });
    const nodesBefore = m.nodes().length;
    expect(nodesBefore).toBeGreaterThan(2);

    // The store's hot window has moved on: the first OLD rows are no longer there.
    const scan = src.scanObservations.bind(src);
    src.scanObservations = (after, limit) => scan(Math.max(after, OLD), limit);
    const during: MeshReadiness[] = [];
    let injected = false;
    src.onScan = () => {
      during.push(index());
      if (injected) return;
      injected = true;
      const live = obs({ at: T0 + 999_000, hops: [hopOf(A), hopOf(B)], radioKey: R });
      src.add(live);
      m.observe({ ...live, id: src.rows.length });
    };
    const done = m.reconfigure({ maxNodes: nodesBefore - 1, maxLinkKm: 90 }, src);
    // A rebuild is under way from the start: the old state still answers.
    expect(index().ready).toBe(true);
    expect(index().detail).toMatch(/^rebuilding: /);
    await done;

    expect(injected).toBe(true);
    expect(during.length).toBeGreaterThan(0);
    for (const r of during) {
      expect(r.ready).toBe(true);
      expect(r.detail).toMatch(/^rebuilding: /);
      expect(r.progress).toBeGreaterThanOrEqual(0);
      expect(r.progress).toBeLessThanOrEqual(1);
    }
    expect(index()).toEqual({ ready: true, progress: 1 });
    expect(m.cfg.maxNodes).toBe(nodesBefore - 1);
    expect(m.cfg.maxLinkKm).toBe(90);
    expect(m.cfg.sliceMs).toBe(1);
    // C, unheard for longest, is the one the cap drops.
    expect(m.nodes().map((n) => n.publicKey)).not.toContain(C);
    expect(m.nodes().length).toBe(nodesBefore - 1);
    // OLD sightings only the previous state held, plus the live one, once.
    const e = m.graph().edges.find(isAB);
    expect(e?.sightings).toBe(OLD + 1);
    if (t) {
      // Built from the saved rows: their watermark is the state's before the live one.
      expect(t.engine.getMeta(TABLES_META_KEY)).toContain(`"lastId":${OLD}`);
    }
    await m.stop();
    t?.engine.abandon();
  });
});

describe("MeshModel.reconfigure, in a row", () => {
  it("waits for a build under way, then builds again with the newest settings", async () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0, batch: 10 });
    const src = new MemorySource();
    src.nodeRows = [nodeRow(A), nodeRow(B), nodeRow(C)];
    for (let i = 0; i < 50; i++)
      src.add(obs({ at: T0 + i, hops: [hopOf(A), hopOf(B)], radioKey: R }));
    const first = m.rebuild(src);
    const a = m.reconfigure({ maxNodes: 2 }, src);
    const b = m.reconfigure({ maxNodes: 1000 }, src);
    await Promise.all([first, a, b]);
    expect(m.cfg.maxNodes).toBe(1000);
    // The node table comes back from the store once the cap is lifted.
    expect(m.nodes().length).toBeGreaterThan(2);
    expect(m.stats().rebuilds).toBeGreaterThanOrEqual(2);
  });
});
