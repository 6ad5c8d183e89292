/** Saved-state round trips, malformed rows, and a seeded fuzz of observations. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import {
  edgeFromRow,
  edgeRow,
  NODE_ROW_FIELDS,
  nodeRow,
  parseBucket,
  parseToken,
  radioFromRow,
  restoreNode,
} from "../../daemon/mesh/parse.ts";
import { MeshState } from "../../daemon/mesh/state.ts";
import { type MeshObservation, resolveConfig } from "../../daemon/mesh/types.ts";
import { MemorySource } from "../support/mesh/source.ts";
import { memoryTables } from "../support/mesh/tables.ts";
import { generateMesh, traffic } from "../support/mesh/topology.ts";
import { TestRng } from "../support/rng.ts";

const T0 = Date.UTC(2026, 4, 1);

function filledObs(): MeshObservation[] {
  const mesh = generateMesh({
    seed: 3,
    nodes: 40,
    radiusKm: 20,
    linkKm: 9,
    forcedCollisions: 4,
    chatShare: 0.2,
  });
  return [
    ...traffic(mesh, {
      seed: 4,
      count: 500,
      start: T0,
      stepMs: 2000,
      advertShare: 0.3,
      duplicateShare: 0.3,
      maxHops: 4,
    }),
  ];
}

function filled(): MeshModel {
  const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 3_600_000 });
  for (const o of filledObs()) m.observe(o);
  return m;
}

describe("saved state", () => {
  it("round-trips graph, nodes, collisions, talkers, channels and rollups through the tables", async () => {
    const t = await memoryTables();
    const now = () => T0 + 3_600_000;
    const a = filled();
    const saver = new MeshModel({ config: {}, log: silentLogger(), now, tables: t.port });
    await saver.start();
    await saver.rebuild(new MemorySource());
    const src = new MemorySource();
    for (const o of filledObs()) saver.observe({ ...o, id: src.add(o).id });
    await saver.stop();
    const b = new MeshModel({ config: {}, log: silentLogger(), now, tables: t.port });
    await b.start();
    await b.rebuild(new MemorySource());
    for (const m of [a, saver, b]) m.settle();
    for (const m of [saver, b]) {
      expect(m.graph()).toEqual(a.graph());
      expect(m.nodes()).toEqual(a.nodes());
      expect(m.collisions()).toEqual(a.collisions());
      expect(m.analytics("types", "7d")).toEqual(a.analytics("types", "7d"));
      expect(m.analytics("packets", "1h")).toEqual(a.analytics("packets", "1h"));
      expect(m.stats().topTalkers).toEqual(a.stats().topTalkers);
      expect(m.stats().channels).toEqual(a.stats().channels);
    }
    t.engine.abandon();
  });

  it("a rebuild from the current state keeps it and reads only newer rows", async () => {
    const src = new MemorySource();
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 3_600_000 });
    for (const o of filledObs()) src.add(o);
    await m.rebuild(src);
    const before = m.graph();
    await m.rebuild(src, { from: "current" });
    expect(m.graph()).toEqual(before);
  });

  it("malformed rows are refused, not thrown", () => {
    const e = edgeFromRow(["?a1", "?b2", 0, 1, 1, 1, 1, 1, 2, 2, null]);
    expect(e).toMatchObject({ a: "?a1", b: "?b2", sightings: 1 });
    expect(edgeFromRow(edgeRow(e!))).toEqual(e);
    // Twins next to each other: a path hash may name both ends, nothing else may.
    expect(edgeFromRow(["?a1", "?a1", 0, 1, 1, 1, 1, 1, 2, 2, null])).not.toBeNull();
    expect(edgeFromRow(["@r0", "@r0", 0, 1, 1, 1, 1, 1, 2, 2, null])).toBeNull();
    for (const bad of [
      ["x", "y", 0, 1, 1, 1, 1, 1, 2, 2, null],
      ["?a1", "?b2", 0, "1", 1, 1, 1, 1, 2, 2, null],
      ["?a1", "?b2", 0, 1, 1, 1, 1, 1, 2, 2, "{not json"],
      ["?a1", "?b2", 0, 1],
    ]) {
      expect(edgeFromRow(bad)).toBeNull();
    }
    expect(radioFromRow(["r0", "short", null, 1, null, null, 0])).toBeNull();
    expect(radioFromRow(["r0", "AB".repeat(32), "x\u0000y", 1, 1.5, 2.5, 0])).toMatchObject({
      name: "xy",
      lat: 1.5,
    });
    expect(parseBucket({ t: 1 })).toBeNull();
    expect(parseToken({ lastHeard: "x" })).toBeNull();
    // Version 4's arrays: the wrong length or a cell that is no finite number is no statistic.
    expect(parseToken([1, null, 0, 1, null])).toBeNull();
    expect(parseToken([1, null, 0, 1, null, null])).toMatchObject({ lastHeard: 1, snr: null });
    const rf = (snr: unknown) => [
      "?a1",
      "?b2",
      0,
      1,
      1,
      1,
      1,
      1,
      2,
      2,
      JSON.stringify([snr, null]),
    ];
    expect(edgeFromRow(rf([1, 5, 5, 5, 5, 5]))?.snr).toEqual({
      n: 1,
      sum: 5,
      min: 5,
      max: 5,
      last: 5,
      recent: 5,
    });
    for (const bad of [[1, 5, 5, 5, 5], [1, 5, 5, 5, 5, "5"], [1, 5, 5, 5, 5, null], "x", 7])
      expect(edgeFromRow(rf(bad))?.snr).toBeNull();
  });

  it("seeded fuzz: random and mangled observations never throw and keep invariants", () => {
    const rng = new TestRng(99);
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    const pick = <T>(xs: T[]) => xs[rng.int(0, xs.length - 1)] as T;
    const hopish = () =>
      pick([
        "a1",
        "A1",
        "zz",
        "",
        "a1b2",
        "00",
        rng.hex(1).toLowerCase(),
        rng.hex(2).toLowerCase(),
      ]);
    for (let i = 0; i < 5000; i++) {
      const o = {
        hash: pick([rng.hex(8).toLowerCase(), "", 5, "x".repeat(100)]),
        at: pick([T0 + rng.int(0, 1e9), Number.NaN, -1, T0]),
        radioId: pick(["r0", "r1", "x".repeat(100), 7]),
        radioKey: pick([null, rng.hex(32), "short", rng.hex(32).toLowerCase()]),
        payloadType: rng.int(-1, 16),
        route: rng.int(-1, 4),
        hashSize: rng.int(0, 4),
        hops: pick([[], [hopish()], [hopish(), hopish(), hopish()], "a1", null]),
        snr: pick([null, rng.int(-40, 40), Number.POSITIVE_INFINITY]),
        rssi: pick([null, rng.int(-150, 0)]),
        rawLength: rng.int(-1, 300),
        firstSeen: rng.next() < 0.7,
        ...(rng.next() < 0.2
          ? {
              advert: {
                publicKey: pick([rng.hex(32), "bad", "00"]),
                role: rng.int(0, 9),
                lat: pick([null, 37.1, Number.NaN, 1e9]),
                lon: pick([null, -122.2]),
                name: pick([null, "\u0000\u0001", "ok", "x".repeat(500)]),
                timestamp: rng.int(0, 2 ** 32),
              },
            }
          : {}),
      };
      expect(() => m.observe(o as never)).not.toThrow();
    }
    const s = m.stats();
    expect(s.counters.observations + s.counters.rejected).toBe(5000);
    for (const e of m.graph().edges) {
      expect(e.confidence).toBeGreaterThanOrEqual(0);
      expect(e.confidence).toBeLessThanOrEqual(1);
      expect(e.sightings).toBeLessThanOrEqual(e.observations);
      expect(e.a < e.b).toBe(true);
    }
    for (const n of m.nodes()) expect((n.name ?? "").length).toBeLessThanOrEqual(64);
  });

  it("a node row is an array keyed by the row's id; versions 2 and 1 still read", () => {
    const key = "C0FFEE".padEnd(64, "1");
    const a = new MeshState(resolveConfig());
    a.nodes.advert(
      { publicKey: key, role: 2, lat: 52.5, lon: 13.4, name: "hill", timestamp: 9 },
      T0,
      1,
      true,
    );
    a.nodes.direct(key, T0 + 5, 7.25, -88);
    const saved = a.nodes.get(key)!;
    const row = JSON.parse(JSON.stringify(nodeRow(saved)));
    expect(typeof row[0]).toBe("number");
    expect(JSON.stringify(row)).not.toContain(key);
    const b = new MeshState(resolveConfig());
    expect(restoreNode(b, key, row)).toBe(true);
    expect(b.nodes.get(key)).toEqual(saved);
    // Tables version 2: every field in NODE_ROW_FIELDS order, the name first.
    const v2 = JSON.parse(JSON.stringify(NODE_ROW_FIELDS.map((f) => saved[f])));
    const c = new MeshState(resolveConfig());
    expect(restoreNode(c, key, v2)).toBe(true);
    expect(c.nodes.get(key)).toEqual(saved);
    // Tables version 1: the whole NodeState as an object.
    const d = new MeshState(resolveConfig());
    expect(restoreNode(d, key, JSON.parse(JSON.stringify(saved)))).toBe(true);
    expect(d.nodes.get(key)).toEqual(saved);
    // Malformed: a version 2 row cut short, a version 3 row too long, a bad key, not an object.
    expect(restoreNode(d, key, v2.slice(0, -1))).toBe(false);
    expect(restoreNode(d, key, [...row, ...new Array(NODE_ROW_FIELDS.length).fill(0)])).toBe(false);
    expect(restoreNode(d, "nope", row)).toBe(false);
    expect(restoreNode(d, key, "x")).toBe(false);
  });

  it("a version 3 node row gives back every kind of node exactly, and is short for one heard by its adverts", () => {
    const rng = new TestRng(7);
    const a = new MeshState(resolveConfig());
    const keys: string[] = [];
    for (let i = 0; i < 300; i++) {
      const key = (i.toString(16).toUpperCase() + "A").padEnd(64, "5");
      keys.push(key);
      const t = T0 + rng.int(0, 30 * 86_400_000);
      const pos =
        i % 5 === 0 ? { lat: null, lon: null } : { lat: 52 + rng.int(0, 1e6) / 1e6, lon: 13.25 };
      a.nodes.advert(
        {
          publicKey: key,
          role: i % 4,
          name: i % 7 === 0 ? null : `n${i}`,
          timestamp: rng.int(0, 2 ** 32),
          ...pos,
        },
        t,
        i % 3,
        true,
      );
      if (i % 2)
        a.nodes.advert(
          {
            publicKey: key,
            role: i % 4,
            lat: null,
            lon: null,
            name: null,
            timestamp: rng.int(0, 2 ** 32),
          },
          t + 3_600_000,
          0,
          true,
        );
      if (i % 3 === 0) a.nodes.direct(key, t + 7, -3.5, -101);
    }
    const b = new MeshState(resolveConfig());
    for (const k of keys) {
      const row = JSON.parse(JSON.stringify(nodeRow(a.nodes.get(k)!)));
      expect(restoreNode(b, k, row)).toBe(true);
      expect(b.nodes.get(k)).toEqual(a.nodes.get(k));
    }
    // One advert, with the sender's clock right: the row holds one time and small numbers.
    const key = "FFFF".padEnd(64, "0");
    const at = T0 + 5000;
    a.nodes.advert(
      {
        publicKey: key,
        role: 3,
        lat: 52.123456,
        lon: 13.25,
        name: "n7",
        timestamp: Math.floor(at / 1000),
      },
      at,
      1,
      true,
    );
    const once = a.nodes.get(key)!;
    const v3 = JSON.stringify(nodeRow(once));
    const v2 = JSON.stringify(NODE_ROW_FIELDS.map((f) => once[f]));
    expect(v3.match(/\d{13}/g)).toHaveLength(1);
    expect(v3.length).toBeLessThan(v2.length / 2);
  });

  it("a node whose times are not safe integers is written as a version 2 row", () => {
    const key = "ABCD".padEnd(64, "0");
    const a = new MeshState(resolveConfig());
    a.nodes.advert(
      { publicKey: key, role: 1, lat: null, lon: null, name: "x", timestamp: 5 },
      T0 + 0.5,
      0,
      true,
    );
    const n = a.nodes.get(key)!;
    const row = JSON.parse(JSON.stringify(nodeRow(n)));
    expect(row).toHaveLength(NODE_ROW_FIELDS.length);
    expect(row[0]).toBe("x");
    const b = new MeshState(resolveConfig());
    expect(restoreNode(b, key, row)).toBe(true);
    expect(b.nodes.get(key)).toEqual(n);
  });
});
