/**
 * A rebuild's steps are bounded by work units and by time, whatever the
 * store holds, and the daemon's health endpoint keeps answering while one
 * runs over a large store.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { meshPortFrom } from "../../daemon/http/adapters.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { Dirty } from "../../daemon/mesh/persist.ts";
import {
  type BuildDeps,
  buildState,
  type MeshSource,
  type RebuildTask,
  STEP_UNITS,
  type StepUnits,
} from "../../daemon/mesh/rebuild.ts";
import { MeshState } from "../../daemon/mesh/state.ts";
import { resolveConfig } from "../../daemon/mesh/types.ts";
import { startServer } from "../support/http/server.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";
import { MemorySource, nodeRow, withColumns } from "../support/mesh/source.ts";

const T0 = Date.UTC(2026, 4, 1);

/** `n` stored observations over `nodes` advertised repeaters, two hops each, some adverts. */
function store(n: number, nodes: number): MemorySource {
  const s = new MemorySource();
  const keys = Array.from({ length: nodes }, (_, i) =>
    key((i % 256).toString(16).padStart(2, "0"), i),
  );
  s.nodeRows = keys.map((k) => nodeRow(k));
  for (let i = 0; i < n; i++) {
    const a = keys[i % nodes]!;
    const b = keys[(i * 7 + 3) % nodes]!;
    const at = T0 + i * 1000;
    s.add(
      i % 10 === 0
        ? advertObs(advertOf(a), [hopOf(b)], { at })
        : obs({ at, hops: [hopOf(a), hopOf(b)], radioKey: key("ee", 1) }),
    );
  }
  return s;
}

function task(): RebuildTask {
  return {
    handle: null,
    next: new MeshState(resolveConfig({})),
    pending: [],
    dropped: 0,
    scanned: 0,
    from: "scratch",
    dirty: new Dirty(),
  };
}

function deps(units: StepUnits, stepMs: number, clock?: () => number): BuildDeps {
  return {
    tables: null,
    head: null,
    log: silentLogger(),
    batch: 200,
    stepMs,
    units,
    ...(clock ? { clock } : {}),
    now: () => T0,
    liveRadios: () => [],
  };
}

/** Runs a build step by step, counting what each step did. */
async function steps(src: MeshSource, t: RebuildTask, d: BuildDeps) {
  let observed = 0;
  let seeded = 0;
  const observe = t.next.observe.bind(t.next);
  t.next.observe = (o) => {
    observed++;
    return observe(o);
  };
  const seed = t.next.nodes.seed.bind(t.next.nodes);
  t.next.nodes.seed = (row) => {
    seeded++;
    return seed(row);
  };
  const out: { phase: string; observed: number; seeded: number; units: number | undefined }[] = [];
  for await (const p of buildState(src, t, d)) {
    out.push({ phase: p.phase, observed, seeded, units: p.units });
    observed = 0;
    seeded = 0;
  }
  return out;
}

describe("rebuild steps", () => {
  it("fold in at most the configured rows and nodes per step, and say so", async () => {
    const n = 3000;
    const src = store(n, 40);
    const units = { rows: 50, nodes: 7, edges: 30 };
    const t = task();
    const out = await steps(src, t, deps(units, Number.POSITIVE_INFINITY));
    expect(out.reduce((s, x) => s + x.observed, 0)).toBe(n);
    expect(out.reduce((s, x) => s + x.seeded, 0)).toBe(40);
    expect(Math.max(...out.map((x) => x.observed))).toBe(units.rows);
    expect(Math.max(...out.map((x) => x.seeded))).toBe(units.nodes);
    expect(out.filter((x) => x.observed > 0).length).toBeGreaterThanOrEqual(n / units.rows);
    // Each step reports the rows it folded in (a read's wait reports none).
    for (const x of out.filter((y) => y.phase === "observations"))
      expect(x.units ?? 0).toBe(x.observed);
    // Every edge is settled, a bounded number per step.
    const settle = out.filter((x) => x.phase === "settle");
    expect(settle.length).toBeGreaterThanOrEqual(Math.floor(t.next.graph.size / units.edges));
    expect(t.next.counters.observations).toBe(n);
    expect(t.scanned).toBe(n);
  });

  it("read node rows a page at a time, or all at once from a source that cannot page", async () => {
    const paged = store(10, 450);
    const t = task();
    const out = await steps(paged, t, deps(STEP_UNITS, Number.POSITIVE_INFINITY));
    expect(paged.nodeScans).toBe(4); // 200 + 200 + 50, then an empty page
    expect(out.reduce((s, x) => s + x.seeded, 0)).toBe(450);
    expect(t.next.nodes.size).toBe(450);
    const src = store(10, 450);
    const whole = {
      scanObservations: src.scanObservations.bind(src),
      listNodes: src.listNodes.bind(src),
    };
    const t2 = task();
    await steps(whole, t2, deps(STEP_UNITS, Number.POSITIVE_INFINITY));
    expect(t2.next.nodes.size).toBe(450);
    expect(src.nodeScans).toBe(0);
  });

  it("end a step early when its time is up, however many units are left", async () => {
    const src = store(500, 10);
    const clock = { t: 0 };
    const t = task();
    const observe = t.next.observe.bind(t.next);
    // Each row takes 1 ms on this clock; a step may take 5.
    t.next.observe = (o) => {
      clock.t += 1;
      return observe(o);
    };
    const out = await steps(
      src,
      t,
      deps({ rows: 1000, nodes: 1000, edges: 1000 }, 5, () => clock.t),
    );
    expect(Math.max(...out.map((x) => x.observed))).toBe(5);
    expect(out.reduce((s, x) => s + x.observed, 0)).toBe(500);
  });

  it("folds in live observations that arrived meanwhile a bounded number per step", async () => {
    const src = store(100, 10);
    const t = task();
    for (let i = 0; i < 130; i++)
      t.pending.push(obs({ at: T0 + 10_000_000 + i, hops: [hopOf(key("c3", 1))] }));
    const out = await steps(
      src,
      t,
      deps({ rows: 20, nodes: 20, edges: 20 }, Number.POSITIVE_INFINITY),
    );
    const catchUp = out.filter((x) => x.phase === "catch-up");
    expect(catchUp.reduce((s, x) => s + x.observed, 0)).toBe(130);
    expect(Math.max(...catchUp.map((x) => x.observed))).toBe(20);
    expect(t.pending).toEqual([]);
  });

  it("the scheduler sees no step over the configured units in a model rebuild", async () => {
    const m = new MeshModel({
      config: { sliceMs: 2 },
      log: silentLogger(),
      now: () => T0,
      stepUnits: { rows: 16, nodes: 16, edges: 16 },
    });
    await m.rebuild(store(1000, 20));
    const s = m.stats().scheduler;
    expect(s.maxStepUnits).toBe(16);
    expect(s.steps).toBeGreaterThanOrEqual(1000 / 16);
    expect(m.stats().counters.observations).toBe(1000);
  });
});

describe("rebuild from columns", () => {
  it("gives the same state as a rebuild from rows", async () => {
    const build = async (src: MemorySource) => {
      const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
      await m.rebuild(src);
      return m;
    };
    const rows = await build(store(2000, 40));
    const cols = await build(withColumns(store(2000, 40)));
    const edges = (m: MeshModel) =>
      m
        .graph()
        .edges.map((e) => JSON.stringify(e))
        .sort();
    expect(edges(cols)).toEqual(edges(rows));
    expect(edges(cols).length).toBeGreaterThan(40);
    expect(cols.nodes()).toEqual(rows.nodes());
    expect(cols.stats().counters).toEqual(rows.stats().counters);
  });
});

describe("/api/health during a rebuild", () => {
  it("answers ok, index not ready, while a rebuild runs over a large store; ready after", async () => {
    const m = new MeshModel({ config: { sliceMs: 4 }, log: silentLogger(), now: () => T0 });
    const srv = await startServer("node", { providers: { mesh: meshPortFrom(m) } });
    try {
      const src = store(30_000, 300);
      let finished = false;
      const rebuilt = m.rebuild(src).then(() => {
        finished = true;
      });
      const during: { status: string; ready: boolean }[] = [];
      while (!finished) {
        const h = (await (await fetch(`${srv.base}/api/health`)).json()) as {
          status: string;
          index: { ready: boolean };
        };
        // Only answers that came back while the rebuild still ran count.
        if (!finished) during.push({ status: h.status, ready: h.index.ready });
      }
      await rebuilt;
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(during.every((h) => h.status === "ok" && !h.ready)).toBe(true);
      const after = (await (await fetch(`${srv.base}/api/health`)).json()) as {
        index: { ready: boolean };
      };
      expect(after.index.ready).toBe(true);
      expect(m.stats().counters.observations).toBe(30_000);
    } finally {
      await srv.close();
    }
  });
});
