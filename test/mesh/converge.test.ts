/**
 * One algorithm, one result: on random seeded meshes with forced prefix
 * collisions (1- and 2-byte hashes mixed, twins learnt after their prefix
 * was first heard), the live model and a rebuild from the store agree edge
 * by edge, with the radio absent during the rebuild (its key only in the
 * radios table) and after a restore from the mesh tables.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { MemorySource, nodeRows, withColumns } from "../support/mesh/source.ts";
import { memoryTables } from "../support/mesh/tables.ts";
import { generateMesh, traffic } from "../support/mesh/topology.ts";
import { TestRng } from "../support/rng.ts";

const T0 = Date.UTC(2026, 4, 1);
const NOW = T0 + 2 * 86_400_000;

function scenario(seed: number) {
  const rng = new TestRng(seed * 7919);
  const mesh = generateMesh({
    seed,
    nodes: rng.int(60, 120),
    radiusKm: 20,
    linkKm: rng.int(9, 14),
    forcedCollisions: rng.int(6, 14),
    chatShare: 0.25,
  });
  const obs = [
    ...traffic(mesh, {
      seed: seed + 1,
      count: rng.int(600, 1500),
      start: T0,
      stepMs: 4000,
      advertShare: 0.15,
      duplicateShare: 0.3,
      maxHops: 5,
      mixedHashSizes: rng.next() < 0.5,
      hashSize: 1,
    }),
  ];
  return { mesh, obs };
}

const byPair = <T extends { a: string; b: string }>(es: readonly T[]): T[] =>
  [...es].sort((x, y) => (x.a + x.b < y.a + y.b ? -1 : 1));

describe("live state == rebuild from the store", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: every edge and node agrees, radio absent during the rebuild`, async () => {
      const { mesh, obs } = scenario(seed);
      const src = withColumns(new MemorySource()); // pages as the real store serves them
      const live = new MeshModel({ config: {}, log: silentLogger(), now: () => NOW });
      for (const o of obs) {
        const row = src.add(o);
        live.observe({ ...o, id: row.id });
      }
      src.nodeRows = nodeRows(obs);
      // The radios table: the store knows the radio's key from an earlier run.
      src.meshRead = async (table) =>
        table === "radios" ? [["r0", mesh.radioKey, null, 0, null, null, T0]] : [];
      const rebuilt = new MeshModel({ config: {}, log: silentLogger(), now: () => NOW });
      await rebuilt.rebuild(src);
      live.settle();
      rebuilt.settle();
      const a = live.graph({ limit: 1e6 });
      const b = rebuilt.graph({ limit: 1e6 });
      // Collisions really were met and resolved both ways.
      const res = live.stats().resolution;
      expect(live.collisions().shared["1"]).toBeGreaterThan(0);
      expect((res.context ?? 0) + (res.ambiguous ?? 0)).toBeGreaterThan(0);
      expect(a.edges.length).toBeGreaterThan(40);
      // The gateway's own links are there in both.
      expect(b.edges.some((e) => e.a === mesh.radioKey || e.b === mesh.radioKey)).toBe(true);
      expect(byPair(b.edges)).toEqual(byPair(a.edges));
      expect(b.nodes).toEqual(a.nodes);
      expect(rebuilt.nodes()).toEqual(live.nodes());
      expect(rebuilt.analytics("packets", "24h")).toEqual(live.analytics("packets", "24h"));
    });
  }

  it("a restore from the mesh tables plus the newer rows equals the live state", async () => {
    const { mesh, obs } = scenario(11);
    const src = new MemorySource();
    const t = await memoryTables();
    const live = new MeshModel({ config: {}, log: silentLogger(), now: () => NOW });
    const saver = new MeshModel({
      config: {},
      log: silentLogger(),
      now: () => NOW,
      tables: t.port,
      persistEveryMs: 0,
    });
    await saver.start();
    await saver.rebuild(src); // empty store: ready at once
    const half = Math.floor(obs.length / 2);
    obs.forEach((o, i) => {
      const row = src.add(o);
      live.observe({ ...o, id: row.id });
      if (i < half) saver.observe({ ...o, id: row.id });
    });
    // The saver stops (saving its rows) having seen half; the rest is only in the store.
    await saver.stop();
    expect(t.writes.maxRows).toBeLessThanOrEqual(500);
    src.nodeRows = nodeRows(obs);
    src.meshRead = async (table) =>
      table === "radios" ? [["r0", mesh.radioKey, null, 0, null, null, T0]] : [];
    const restored = new MeshModel({
      config: {},
      log: silentLogger(),
      now: () => NOW,
      tables: t.port,
    });
    await restored.start();
    await restored.rebuild(src);
    live.settle();
    restored.settle();
    const a = live.graph({ limit: 1e6 });
    const b = restored.graph({ limit: 1e6 });
    expect(a.edges.length).toBeGreaterThan(40);
    // Recent-transmission dedupe does not survive a restart: a flood whose
    // copies straddle the save may count one extra sighting. Everything else agrees.
    const strip = (es: typeof a.edges) =>
      byPair(es).map(
        ({ sightings: _s, certainSightings: _c, score: _sc, confidence: _cf, ...r }) => r,
      );
    expect(strip(b.edges)).toEqual(strip(a.edges));
    const sa = byPair(a.edges);
    const diff = byPair(b.edges).filter((e, i) => e.sightings !== sa[i]?.sightings);
    expect(diff.length).toBeLessThanOrEqual(3);
    expect(restored.nodes()).toEqual(live.nodes());
    t.engine.abandon();
  });
});
