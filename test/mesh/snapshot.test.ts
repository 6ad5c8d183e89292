/** Snapshot round trips, hostile snapshot text, and a seeded fuzz of observations. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { generateMesh, traffic } from "../support/mesh/topology.ts";
import { TestRng } from "../support/rng.ts";

const T0 = Date.UTC(2026, 4, 1);

function filled(): MeshModel {
  const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 3_600_000 });
  const mesh = generateMesh({
    seed: 3,
    nodes: 40,
    radiusKm: 20,
    linkKm: 9,
    forcedCollisions: 4,
    chatShare: 0.2,
  });
  for (const o of traffic(mesh, {
    seed: 4,
    count: 500,
    start: T0,
    stepMs: 2000,
    advertShare: 0.3,
    duplicateShare: 0.3,
    maxHops: 4,
  })) {
    m.observe(o);
  }
  return m;
}

describe("snapshot", () => {
  it("round-trips graph, nodes, collisions, talkers, channels and hourly rollups", () => {
    const a = filled();
    const b = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 3_600_000 });
    const r = b.restore(a.snapshot());
    expect(r).toEqual({ ok: true, skipped: 0 });
    expect(b.graph()).toEqual(a.graph());
    expect(b.nodes()).toEqual(a.nodes());
    expect(b.collisions()).toEqual(a.collisions());
    expect(b.analytics("types", "7d")).toEqual(a.analytics("types", "7d"));
    const sa = a.stats();
    const sb = b.stats();
    expect(sb.topTalkers).toEqual(sa.topTalkers);
    expect(sb.channels).toEqual(sa.channels);
    expect(b.snapshot()).toBe(a.snapshot());
  });

  it("rejects what is not a snapshot and skips malformed entries", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    expect(m.restore("nope")).toMatchObject({ ok: false });
    expect(m.restore("[]")).toMatchObject({ ok: false });
    expect(m.restore('{"v":99}')).toMatchObject({
      ok: false,
      error: "unknown snapshot version 99",
    });
    const doc = JSON.parse(filled().snapshot());
    doc.edges.push(["x", "y"], ["?zz", "?a1", 0, 0, 1, 0, 1, 1, 0, 2, 1, 1, null, null], 5, null);
    doc.nodes.push({ publicKey: "short" }, 7);
    doc.hours.push({ t: 1 });
    const r = m.restore(JSON.stringify(doc));
    expect(r).toEqual({ ok: true, skipped: 7 });
    expect(m.ready()).toBe(true);
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
    expect(() => JSON.parse(m.snapshot())).not.toThrow();
  });
});
