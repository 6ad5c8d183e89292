/**
 * Edge bookkeeping: which hearings make edges, sightings per transmission vs
 * per observation, score decay, pruning, implausible links and TRACE.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { Graph, kthSmallest } from "../../daemon/mesh/graph.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import type { MeshConfig } from "../../daemon/mesh/types.ts";
import { plainEdge } from "../support/mesh/edge.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";

const T0 = Date.UTC(2026, 4, 1);
const DAY = 86_400_000;
const R = key("ee", 1);
const A = key("a1", 1);
const B = key("b2", 1);
const C = key("c3", 1);

function setup(config: MeshConfig = {}, now = { t: T0 }) {
  const m = new MeshModel({ config, log: silentLogger(), now: () => now.t });
  for (const k of [A, B, C]) m.observe(advertObs(advertOf(k), [], { radioKey: key("d0") }));
  return m;
}
const pair = (x: { a: string; b: string }) => [x.a, x.b].sort().join("|");
const edgeSet = (m: MeshModel) => new Set(m.graph().edges.map(pair));

describe("neighbour graph", () => {
  it("a flood path gives radio-last hop, consecutive hops and advert origin-first hop edges", () => {
    const m = setup();
    const before = edgeSet(m);
    m.observe(advertObs(advertOf(key("0c", 1)), [hopOf(A), hopOf(B), hopOf(C)], { radioKey: R }));
    const added = [...edgeSet(m)].filter((e) => !before.has(e));
    expect(added.sort()).toEqual(
      [
        [key("0c", 1), A].sort().join("|"),
        [A, B].sort().join("|"),
        [B, C].sort().join("|"),
        [C, R].sort().join("|"),
      ].sort(),
    );
    const rx = m.graph().edges.find((e) => pair(e) === [C, R].sort().join("|"));
    expect(rx?.kinds).toEqual(["rx"]);
    expect(m.node(key("0c", 1))?.fewestHops).toBe(3);
    expect(m.node(A)?.relayed).toBe(1);
  });

  it("a non-advert flood has no originator edge; a zero-hop non-advert adds nothing", () => {
    const m = setup();
    const before = m.graph().edges.length;
    m.observe(obs({ hops: [], radioKey: R }));
    expect(m.graph().edges.length).toBe(before);
    m.observe(obs({ hops: [hopOf(A)], radioKey: R }));
    expect(m.graph().edges.length).toBe(before + 1);
  });

  it("a direct packet links its remaining hops only, and does not mark them heard", () => {
    const m = setup();
    const heardBefore = m.node(B)?.lastHeard;
    m.observe(obs({ route: 2, hops: [hopOf(A), hopOf(B)], radioKey: R, at: T0 + DAY }));
    const edges = m.graph().edges.filter((e) => e.a !== key("d0") && e.b !== key("d0"));
    expect(edges.map(pair)).toEqual([[A, B].sort().join("|")]);
    expect(edges[0]?.kinds).toEqual(["relay"]);
    expect(m.node(B)?.lastHeard).toBe(heardBefore);
  });

  it("TRACE path bytes are SNRs: never edges, never hops", () => {
    const m = setup();
    const before = m.graph().edges.length;
    m.observe(obs({ payloadType: 9, route: 2, hops: ["30", hopOf(A)], radioKey: R }));
    expect(m.graph().edges.length).toBe(before);
    expect(m.stats().counters.trace).toBe(1);
  });

  it("relayed copies of one transmission count once as a sighting, each as an observation", () => {
    const m = setup();
    m.observe(obs({ hash: "00000000000000aa", hops: [hopOf(A)], radioKey: R, snr: 4, rssi: -90 }));
    m.observe(
      obs({
        hash: "00000000000000aa",
        hops: [hopOf(A)],
        radioKey: R,
        snr: 6,
        rssi: -80,
        firstSeen: false,
      }),
    );
    m.observe(obs({ hash: "00000000000000bb", hops: [hopOf(A)], radioKey: R, snr: 8, rssi: -70 }));
    const e = m.graph().edges.find((x) => pair(x) === [A, R].sort().join("|"));
    expect(e).toMatchObject({ sightings: 2, observations: 3 });
    expect(e?.snr).toMatchObject({ count: 3, min: 4, max: 8, mean: 6, last: 8 });
    expect(e?.rssi).toMatchObject({ min: -90, max: -70 });
    expect(e?.hashSizes).toEqual([1]);
    expect(m.node(A)).toMatchObject({ direct: true, snr: { count: 3 } });
  });

  it("a zero-hop advert links its originator to the radio with the link's SNR", () => {
    const m = setup();
    const O = key("0c", 2);
    m.observe(advertObs(advertOf(O), [], { radioKey: R, snr: -3.25, rssi: -110 }));
    const e = m.graph().edges.find((x) => pair(x) === [O, R].sort().join("|"));
    expect(e).toMatchObject({ kinds: ["rx"], certainSightings: 1, snr: { last: -3.25 } });
    expect(m.node(O)?.fewestHops).toBe(0);
  });

  it("scores decay with the configured half-life", () => {
    const now = { t: T0 };
    const m = setup({ edgeHalfLifeDays: 2 }, now);
    m.observe(obs({ hops: [hopOf(A)], radioKey: R, at: T0 }));
    const score = () => m.graph().edges.find((x) => pair(x) === [A, R].sort().join("|"))?.score;
    expect(score()).toBeCloseTo(1, 6);
    now.t = T0 + 2 * DAY;
    expect(score()).toBeCloseTo(0.5, 6);
    now.t = T0 + 4 * DAY;
    expect(score()).toBeCloseTo(0.25, 6);
    m.observe(obs({ hops: [hopOf(A)], radioKey: R, at: T0 + 4 * DAY }));
    expect(score()).toBeCloseTo(1.25, 6);
  });

  it("edges unseen for edgePruneDays are pruned", () => {
    const now = { t: T0 };
    const m = setup({ edgePruneDays: 1 }, now);
    m.observe(obs({ hops: [hopOf(A)], radioKey: R, at: T0 + DAY }));
    now.t = T0 + DAY + 12 * 3_600_000;
    const n = m.prune();
    expect(n).toBeGreaterThan(0); // the warm-up adverts' edges from T0
    expect(edgeSet(m)).toEqual(new Set([[A, R].sort().join("|")]));
  });

  it("maxEdges keeps the strongest edges", () => {
    const m = setup({ maxEdges: 2 });
    for (let i = 0; i < 5; i++) m.observe(obs({ hops: [hopOf(A)], radioKey: R }));
    m.observe(obs({ hops: [hopOf(B)], radioKey: R }));
    m.prune();
    const edges = m.graph().edges;
    expect(edges.length).toBeLessThanOrEqual(2);
    expect(edges[0] && pair(edges[0])).toBe([A, R].sort().join("|"));
  });

  it("a link longer than maxLinkKm keeps almost no confidence, and no guess crosses it", () => {
    const m = new MeshModel({ config: { maxLinkKm: 50 }, log: silentLogger(), now: () => T0 });
    m.observe(advertObs(advertOf(A, { lat: 37, lon: -122 }), [], { radioKey: key("d0") }));
    m.observe(advertObs(advertOf(R, { lat: 38, lon: -122 }), [], { radioKey: key("d1") }));
    // Heard directly over 111 km: both ends are known, the link is implausible.
    m.observe(advertObs(advertOf(A, { lat: 37, lon: -122 }), [], { radioKey: R }));
    const e = m.graph().edges.find((x) => pair(x) === [A, R].sort().join("|"));
    expect(e?.distanceKm).toBeGreaterThan(100);
    expect(e?.confidence).toBeLessThan(0.1);
    expect(m.stats().counters.implausibleLinks).toBe(1);
    expect(m.graph({ minConfidence: 0.5 }).edges.some((x) => pair(x) === pair(e!))).toBe(false);
    // A 1-byte hop that could only be A is not attributed to it across that distance.
    m.observe(obs({ hops: [hopOf(A)], radioKey: R }));
    const p = m.graph().edges.find((x) => x.a === "?a1" || x.b === "?a1");
    expect(p).toBeDefined();
    expect(p!.confidence).toBeLessThan(0.1);
  });

  it("hostile observations are counted and refused, never thrown", () => {
    const m = setup();
    const bad: unknown[] = [
      null,
      { ...obs({ hops: ["zz"] }) },
      { ...obs({ hops: ["a1b2"] }) }, // 2 bytes with hashSize 1
      { ...obs({ hops: new Array(65).fill("a1") }) },
      { ...obs({ hops: [] }), at: Number.NaN },
      { ...obs({ hops: [] }), hash: "" },
      { ...obs({ hops: ["a1"] }), hashSize: 4 },
    ];
    for (const b of bad) expect(() => m.observe(b as never)).not.toThrow();
    const s = m.stats();
    expect(s.counters.rejected).toBe(bad.length);
    expect(s.rejected).toMatchObject({ "bad-hop": 2, "bad-hops": 1, "bad-time": 1, "bad-hash": 1 });
  });
});

describe("pruning past maxEdges", () => {
  /** A graph of `n` edges whose scores repeat (ties), seen at spread-out times. */
  function graphOf(n: number): Graph {
    const g = new Graph(DAY);
    for (let i = 0; i < n; i++) {
      const a = `?${(i % 251).toString(16).padStart(2, "0")}`;
      const b = `?${(1000 + i).toString(16)}`;
      // Sightings 1..4 at one of five times: many edges share a score.
      for (let s = 0; s <= i % 4; s++)
        g.add(a, b, {
          hash: `h${i}-${s}`,
          at: T0 + (i % 5) * 3_600_000,
          hashSize: 1,
          kind: 2,
          snr: null,
          rssi: null,
        });
    }
    return g;
  }

  /** The weakest edges by a full sort on score, then token order. */
  function weakest(g: Graph, now: number, count: number): string[] {
    return [...g.values()]
      .map((e) => [g.scoreAt(e, now), e] as const)
      .sort((x, y) => x[0] - y[0] || (x[1].a + x[1].b < y[1].a + y[1].b ? -1 : 1))
      .slice(0, count)
      .map(([, e]) => pair(e));
  }

  it("drops the same edges a full sort would, ties included, a bounded number per step", () => {
    const n = 3000;
    // The cut falls inside a group of edges with one score (each holds 150).
    const maxEdges = 1010;
    const now = T0 + DAY;
    const g = graphOf(n);
    const expected = weakest(g, now, n - Math.floor(maxEdges * 0.9));
    const chunk = 100;
    const steps = g.pruneSteps(now, 0, maxEdges, chunk);
    let yields = 0;
    let r = steps.next();
    while (!r.done) {
      yields++;
      r = steps.next();
    }
    expect(r.value.map(pair).sort()).toEqual(expected.sort());
    expect(g.size).toBe(Math.floor(maxEdges * 0.9));
    // Every pass over the edges (stale check, scores, selection, removal) yields each `chunk`.
    expect(yields).toBeGreaterThanOrEqual((3 * n) / chunk);
    // The one-go prune gives the same graph.
    const h = graphOf(n);
    h.prune(now, 0, maxEdges);
    expect([...h.values()].map(pair).sort()).toEqual([...g.values()].map(pair).sort());
  });

  it("kthSmallest finds the k-th value of any order", () => {
    const values = [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4];
    const sorted = [...values].sort((a, b) => a - b);
    for (let k = 0; k < values.length; k++)
      expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
  });
});

describe("a token's edges", () => {
  const sighting = (at: number) => ({
    hash: `h${at}`,
    at,
    hashSize: 1,
    kind: 2,
    snr: null,
    rssi: null,
  });
  /** Every edge touching each token, by a scan of all edges. */
  const byScan = (g: Graph, tokens: readonly string[]) =>
    tokens.map((t) =>
      [...g.values()]
        .filter((e) => e.a === t || e.b === t)
        .map(pair)
        .sort(),
    );
  const byIndex = (g: Graph, tokens: readonly string[]) =>
    tokens.map((t) => g.edgesOf(t).map(pair).sort());

  it("are found as a token gains and loses neighbours, one, a few or many, self-links too", () => {
    const g = new Graph(DAY);
    const hub = "?aa";
    const others = Array.from({ length: 40 }, (_, i) => `?${(0x100 + i).toString(16)}`);
    const tokens = [hub, ...others];
    // The hub's neighbours grow one at a time past every size, with a self-link among them.
    g.add(hub, hub, sighting(T0));
    for (let i = 0; i < others.length; i++) {
      g.add(hub, others[i]!, sighting(T0 + (i + 1) * DAY));
      if (i % 3 === 0) g.add(others[i]!, others[(i + 1) % others.length]!, sighting(T0 + i * DAY));
      expect(byIndex(g, tokens)).toEqual(byScan(g, tokens));
    }
    expect(g.edgesOf(hub)).toHaveLength(others.length + 1);
    // Pruning by age takes them away again, oldest first, down to none.
    for (let d = 0; d <= others.length + 1; d++) {
      g.prune(T0 + 100 * DAY, T0 + d * DAY + 1, 1_000);
      expect(byIndex(g, tokens)).toEqual(byScan(g, tokens));
      for (const t of tokens) expect(g.hasToken(t)).toBe(byScan(g, [t])[0]!.length > 0);
    }
    expect(g.size).toBe(0);
    expect(tokens.some((t) => g.hasToken(t))).toBe(false);
  });
});

describe("token ids", () => {
  const sight = (hash: string, at: number) => ({
    hash,
    at,
    hashSize: 3,
    kind: 2,
    snr: 1,
    rssi: -90,
  });

  it("go with a token's last edge and are handed to new tokens, the edges unchanged", () => {
    const g = new Graph(DAY);
    let h = new Graph(DAY);
    const tokensOf = (x: Graph) => new Set([...x.values()].flatMap((e) => [e.a, e.b]));
    for (let round = 0; round < 20; round++) {
      const at = T0 + round * DAY;
      h = new Graph(DAY);
      for (let i = 0; i < 500; i++) {
        const t = `?${round.toString(16)}${i.toString(16).padStart(4, "0")}`;
        const s = sight(`h${round}-${i}`, at);
        for (const x of [g, h]) {
          x.add("@main", t, s);
          if (i % 3 === 0) x.add(t, `?${round}x${i}`, s);
        }
      }
      // Last round's tokens lose their edges (all but the radio's).
      g.prune(at, at - 1, 1_000_000);
      expect(g.tokenCount).toBe(tokensOf(g).size);
      expect(g.tokenCount).toBe(1 + 500 + 167);
    }
    // 20 rounds of 667 new tokens; the ids freed wait for 4,096 more
    // transmissions (about 8 rounds of 500) before they are reused.
    expect(g.idSpan).toBeLessThan(11 * 667);
    const rows = (x: Graph) =>
      [...x.values()].map((e) => JSON.stringify(plainEdge(e))).sort((p, q) => (p < q ? -1 : 1));
    expect(rows(g)).toEqual(rows(h));
  });

  it("are not reused while a transmission that counted their edges is recent", () => {
    const g = new Graph(DAY);
    g.add("?aa", "?bb", sight("same", T0));
    g.prune(T0 + DAY, T0 + 1, 1_000_000);
    expect(g.size).toBe(0);
    // A relayed copy of that transmission, naming two new tokens.
    const e = g.add("?cc", "?dd", sight("same", T0 + DAY));
    expect(e?.sightings).toBe(1);
  });
});
