/**
 * Hop resolution: unique prefixes, ambiguous 1-byte prefixes settled by
 * geography, role and certain adjacency, and ambiguity that must stay open.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { PrefixIndex } from "../../daemon/mesh/prefix-index.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";

const T0 = Date.UTC(2026, 4, 1);
const model = () => new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 60_000 });
const R = key("ee", 1); // the gateway radio
const O = key("0c", 1); // an originator

/**
 * Two nodes whose keys share the 1-byte prefix a1, each advertised with its
 * role and heard by a radio of its own (so neither is adjacent to R).
 */
function sharingA1(m: MeshModel, role1 = 2, role2 = 2): [string, string] {
  const [a1, a2] = [key("a1", 1), key("a1", 2)];
  m.observe(advertObs(advertOf(a1, { role: role1 }), [], { radioKey: key("d1") }));
  m.observe(advertObs(advertOf(a2, { role: role2 }), [], { radioKey: key("d2") }));
  return [a1, a2];
}

describe("PrefixIndex", () => {
  it("indexes 1-, 2- and 3-byte prefixes and reports shared ones", () => {
    const ix = new PrefixIndex();
    const a = key("a1", 1);
    const b = key("a1", 2);
    expect(ix.add(a)).toBe(true);
    expect(ix.add(a)).toBe(false); // idempotent
    ix.add(b);
    expect(ix.lookup("a1")).toEqual([a, b]);
    expect(ix.lookup("A101")).toEqual([a]);
    expect(ix.lookup("a10277")).toEqual([b]);
    expect(ix.lookup("ff")).toEqual([]);
    expect(ix.collisions()).toEqual([{ prefix: "A1", bytes: 1, keys: [a, b] }]);
    ix.remove(a);
    expect(ix.lookup("a1")).toEqual([b]);
    expect(ix.collisions()).toEqual([]);
  });
});

describe("hop resolution", () => {
  it("a unique prefix resolves, with less than full certainty for 1 byte", () => {
    const m = model();
    const B = key("b2", 1);
    m.observe(advertObs(advertOf(B), [], { radioKey: R }));
    m.observe(obs({ hops: [hopOf(B)], radioKey: R, snr: 5 }));
    const e = m.graph().edges.find((x) => x.a === B || x.b === B);
    expect(e).toMatchObject({ sightings: 2, kinds: ["rx"] });
    expect(e?.confidence).toBeGreaterThan(0.9);
    expect(e?.confidence).toBeLessThan(1);
  });

  it("geography rules out a same-prefix repeater too far away to be a neighbour", () => {
    const m = model();
    m.observe(advertObs(advertOf(R, { lat: 37.0, lon: -122.0 }), [hopOf(key("f0"))]));
    const near = key("a1", 1);
    const far = key("a1", 2);
    m.observe(advertObs(advertOf(near, { lat: 37.05, lon: -122.0 }), [], { radioKey: R }));
    m.observe(advertObs(advertOf(far, { lat: 40.0, lon: -122.0 }), [], { radioKey: key("dd") }));
    m.observe(advertObs(advertOf(O, { lat: 37.1, lon: -122.0 }), ["a1"], { radioKey: R }));
    const g = m.graph();
    const ids = g.edges.flatMap((e) => [e.a, e.b]);
    expect(ids).toContain(near);
    expect(g.edges.some((e) => (e.a === O || e.b === O) && (e.a === near || e.b === near))).toBe(
      true,
    );
    expect(g.edges.some((e) => e.a === O && e.b === far)).toBe(false);
    expect(m.stats().resolution.context).toBeGreaterThanOrEqual(1);
  });

  it("two equally plausible candidates stay an unresolved prefix with its candidates", () => {
    const m = model();
    const [a1, a2] = sharingA1(m);
    m.observe(obs({ hops: ["a1"], radioKey: R }));
    const g = m.graph();
    const e = g.edges.find((x) => x.a === "?a1" || x.b === "?a1");
    expect(e).toBeDefined();
    expect(g.nodes.find((n) => n.id === "?a1")).toMatchObject({ resolved: false, candidates: 2 });
    expect(m.graph({ resolvedOnly: true }).edges.some((x) => x.a === R || x.b === R)).toBe(false);
    expect(m.stats().resolution.ambiguous).toBe(1);
    expect(m.collisions().collisions[0]).toMatchObject({ prefix: "A1", keys: [a1, a2] });
    expect(m.candidates("a1")).toEqual([a1, a2]);
  });

  it("a chat node sharing a repeater's prefix loses: clients do not relay by default", () => {
    const m = model();
    const [rep] = sharingA1(m, 2, 1); // a repeater, then a chat node
    m.observe(obs({ hops: ["a1"], radioKey: R }));
    const e = m.graph().edges.find((x) => x.a === R || x.b === R);
    expect([e?.a, e?.b]).toContain(rep);
    // 1 / (1 + 0.05 chat prior + 0.11 for an unheard node)
    expect(e?.confidence).toBeCloseTo(0.862, 3);
  });

  it("a lone chat-node match in a relay position stays a prefix (likely an unheard repeater)", () => {
    const m = model();
    const chat = key("c7", 1);
    m.observe(advertObs(advertOf(chat, { role: 1 }), [], { radioKey: key("d1") }));
    m.observe(obs({ hops: ["c7"], radioKey: R }));
    expect(m.graph().edges.some((x) => x.a === "?c7" || x.b === "?c7")).toBe(true);
    expect(m.node(chat)?.neighbours.some((x) => x.a === R || x.b === R)).toBe(false);
    // With a 3-byte hash the same match is near certain.
    m.observe(obs({ hops: [hopOf(chat, 3)], hashSize: 3, radioKey: R }));
    expect(m.node(chat)?.neighbours.some((x) => x.a === R || x.b === R)).toBe(true);
  });

  it("certain adjacency (zero-hop adverts heard by the radio) settles an ambiguous last hop", () => {
    const m = model();
    const a1 = key("a1", 1);
    const a2 = key("a1", 2);
    m.observe(advertObs(advertOf(a2), [], { radioKey: key("d2") }));
    for (let i = 0; i < 3; i++) {
      m.observe(advertObs(advertOf(a1), [], { radioKey: R, at: T0 + i * 1000 }));
    }
    m.observe(obs({ hops: ["a1"], radioKey: R }));
    const e = m.node(a1)?.neighbours.find((x) => x.a === R || x.b === R);
    expect(e?.sightings).toBe(4);
    expect(e?.certainSightings).toBe(3);
    expect(m.node(a2)?.neighbours.some((x) => x.a === R || x.b === R)).toBe(false);
  });

  it("context-resolved sightings never count as certain (a guess cannot vote for itself)", () => {
    const m = model();
    const [a1] = sharingA1(m, 2, 1); // a repeater, then a chat node
    for (let i = 0; i < 5; i++) m.observe(obs({ hops: ["a1"], radioKey: R }));
    const e = m.node(a1)?.neighbours.find((x) => x.a === R || x.b === R);
    expect(e).toMatchObject({ sightings: 5, certainSightings: 0 });
  });

  it("two twins next to each other in a path resolve to a link between them", () => {
    const m = model();
    const [t1, t2] = [key("a1", 1), key("a1", 2)];
    // The radio and both twins in a line, 5.5 km apart.
    for (const [k, lat, by] of [
      [R, 37.0, key("f0")],
      [t1, 37.05, key("d1")],
      [t2, 37.1, key("d2")],
    ] as const) {
      m.observe(advertObs(advertOf(k, { lat, lon: -122.0 }), [], { radioKey: by }));
    }
    for (let i = 0; i < 3; i++) m.observe(obs({ hops: ["a1", "a1"], radioKey: R, at: T0 + i }));
    const link = m
      .graph({ resolvedOnly: true })
      .edges.find((e) => [e.a, e.b].includes(t1) && [e.a, e.b].includes(t2));
    expect(link).toMatchObject({ sightings: 3, certainSightings: 0, kinds: ["relay"] });
    expect(link!.confidence).toBeGreaterThan(0.5);
    expect(link!.confidence).toBeLessThan(1);
    // One packet's hops are not told apart by that edge: never both the same node through it.
    const [h1, h2] = m.resolveHops({ hops: ["a1", "a1"], route: 2 });
    expect(h1!.publicKey === null || h1!.publicKey !== h2!.publicKey).toBe(true);
  });

  it("a twin's advert re-attributes sightings first taken as certain", () => {
    const m = model();
    const near = key("a1", 1);
    const far = key("a1", 2);
    m.observe(advertObs(advertOf(R, { lat: 37.0, lon: -122.0 }), [hopOf(key("f0"))]));
    m.observe(advertObs(advertOf(far, { lat: 38.0, lon: -122.0 }), [], { radioKey: key("dd") }));
    for (let i = 0; i < 4; i++) m.observe(obs({ hops: ["a1"], radioKey: R, at: T0 + i }));
    // Only one a1 known: the hop is taken for it, "certain" by the known keys.
    expect(m.node(far)?.neighbours.find((x) => x.a === R || x.b === R)).toMatchObject({
      sightings: 4,
      certainSightings: 4,
    });
    // Its twin, much closer to the radio, advertises: the same sightings now point there,
    // and none of them is certain any more.
    m.observe(advertObs(advertOf(near, { lat: 37.01, lon: -122.0 }), [], { radioKey: key("dd") }));
    expect(m.stats().counters.reattributed).toBeGreaterThan(0);
    expect(m.node(far)?.neighbours.some((x) => x.a === R || x.b === R)).toBe(false);
    const e = m.node(near)?.neighbours.find((x) => x.a === R || x.b === R);
    expect(e).toMatchObject({ sightings: 4, certainSightings: 0 });
    expect(e!.confidence).toBeGreaterThan(0.7);
    expect(e!.confidence).toBeLessThan(1);
    // The API's view of one packet's path follows the same answer.
    const radioId = `r-${R.slice(0, 8).toLowerCase()}`;
    const [hop] = m.resolveHops({ hops: ["a1"], route: 1, radioId });
    expect(hop).toMatchObject({ prefix: "a1", publicKey: near });
    expect(hop!.confidence).toBeCloseTo(e!.confidence, 2);
    expect(m.resolveHops({ hops: ["zz", "0c"], route: 2 })).toEqual([
      { prefix: "zz", publicKey: null, name: null, confidence: 0 },
      { prefix: "0c", publicKey: null, name: null, confidence: 0 },
    ]);
  });
});
