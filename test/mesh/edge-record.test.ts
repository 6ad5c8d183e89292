/**
 * Edges' numbers as rows of Float64Array blocks: rows handed out, blocks
 * added, rows freed and handed out again, and a graph whose edges went
 * through all of that holds the same edges as one that never did.
 */
import { describe, expect, it } from "vitest";
import { EdgeColumns, EdgeRecord, TIMES_STRIDE } from "../../daemon/mesh/edge-record.ts";
import { Graph, type Sighting } from "../../daemon/mesh/graph.ts";
import { RESOLUTION_HOWS } from "../../daemon/mesh/resolve.ts";
import { BLOCK_ROWS } from "../../daemon/mesh/rows.ts";
import { addStat, type RunningStats } from "../../daemon/mesh/stats.ts";
import { bigState } from "../support/mesh/big.ts";
import { plainEdge } from "../support/mesh/edge.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 1);

describe("edge rows", () => {
  it("keep every row's numbers while blocks are added, and hand a freed row out again zeroed", () => {
    const c = new EdgeColumns();
    const recs: EdgeRecord[] = [];
    for (let i = 0; i < 10_000; i++) {
      const r = new EdgeRecord(c, c.times.alloc(), `?${i}`, `?${i + 1}`);
      r.firstSeen = T0 + i;
      r.score = i / 7;
      if (i % 3 === 0) r.rssi = { n: i + 1, sum: -i, min: -i, max: -1, last: -2, recent: -1.5 };
      recs.push(r);
    }
    expect(c.times.capacity).toBe(3 * BLOCK_ROWS);
    expect(c.times.blocks.every((b) => b.length === BLOCK_ROWS * TIMES_STRIDE)).toBe(true);
    // Only the edges with statistics have a row of them.
    expect(c.rf.live).toBe(3334);
    expect(c.rf.capacity).toBe(BLOCK_ROWS);
    recs.forEach((r, i) => {
      expect(r.firstSeen).toBe(T0 + i);
      expect(r.score).toBe(i / 7);
      expect(r.rssi?.n).toBe(i % 3 === 0 ? i + 1 : undefined);
      expect(r.snr).toBeNull();
    });
    const gone = recs[5001]!;
    const freed = gone.row;
    gone.release();
    expect(gone.row).toBe(-1);
    expect(c.times.live).toBe(9999);
    const again = new EdgeRecord(c, c.times.alloc(), "?x", "?y");
    expect(again.row).toBe(freed);
    expect([again.firstSeen, again.score, again.rssi]).toEqual([0, 0, null]);
    expect(recs[5002]!.firstSeen).toBe(T0 + 5002);
  });

  it("hand the rows a prune freed to new edges before adding blocks", () => {
    const c = new EdgeColumns();
    const recs: EdgeRecord[] = [];
    for (let i = 0; i < 12_000; i++) {
      const r = new EdgeRecord(c, c.times.alloc(), `?${i}`, `?${i + 1}`);
      r.lastSeen = T0 + i * 1000;
      if (i % 2 === 0) r.snr = { n: 2, sum: i, min: 0, max: i, last: i, recent: i / 3 };
      recs.push(r);
    }
    const kept = recs.filter((_, i) => i % 50 === 0 || i % 50 === 7);
    for (const [i, r] of recs.entries()) if (i % 50 !== 0 && i % 50 !== 7) r.release();
    const before = kept.map((r) => [r.lastSeen, r.snr]);
    const blocks = [c.times.capacity, c.rf.capacity];
    for (let i = 0; i < 11_000; i++) {
      const r = new EdgeRecord(c, c.times.alloc(), `?n${i}`, `?m${i}`);
      r.lastSeen = T0 - i;
      if (i % 2 === 0) r.rssi = { n: 1, sum: -90, min: -90, max: -90, last: -90, recent: -90 };
    }
    expect([c.times.capacity, c.rf.capacity]).toEqual(blocks);
    expect(c.times.live).toBe(kept.length + 11_000);
    expect(c.rf.live).toBe(kept.length / 2 + 5500);
    expect(kept.map((r) => [r.lastSeen, r.snr])).toEqual(before);
  });

  it("a released record reads 0 and leaves the row it had alone", () => {
    const c = new EdgeColumns();
    const old = new EdgeRecord(c, c.times.alloc(), "?a", "?b");
    old.snr = { n: 1, sum: 2, min: 2, max: 2, last: 2, recent: 2 };
    old.release();
    // The row goes to a new edge; writes through the old record (a sliced
    // settle holding it across a prune) must not reach it.
    const next = new EdgeRecord(c, c.times.alloc(), "?c", "?d");
    next.score = 3;
    expect(next.row).toBe(0);
    old.score = 9;
    old.lastSeen = 9;
    old.rssi = { n: 1, sum: -90, min: -90, max: -90, last: -90, recent: -90 };
    old.res = { a: "?a", b: "?b", confidence: 0.5, sure: false, how: "context" };
    old.hear(4, -80);
    expect([old.score, old.lastSeen, old.snr, old.rssi]).toEqual([0, 0, null, null]);
    expect([next.score, next.lastSeen, next.rssi]).toEqual([3, 0, null]);
    expect(c.rf.live).toBe(0);
  });

  it("add each hearing's SNR and RSSI as addStat does, and free the row when both are cleared", () => {
    const c = new EdgeColumns();
    const r = new EdgeRecord(c, c.times.alloc(), "?a", "?b");
    let snr: RunningStats | null = null;
    let rssi: RunningStats | null = null;
    for (let i = 0; i < 50; i++) {
      const v = i % 7 === 0 ? null : (i % 13) / 4 - 2;
      const w = i % 5 === 0 ? null : -70 - (i % 11);
      if (v !== null) snr = addStat(snr, v);
      if (w !== null) rssi = addStat(rssi, w);
      r.hear(v, w);
    }
    expect([r.snr, r.rssi]).toEqual([snr, rssi]);
    r.snr = null;
    expect([r.snr, r.rssi, c.rf.live]).toEqual([null, rssi, 1]);
    r.rssi = null;
    expect([r.rf, c.rf.live]).toEqual([0, 0]);
  });

  it("read statistics as null until set, and a read is a copy", () => {
    const c = new EdgeColumns();
    const r = new EdgeRecord(c, c.times.alloc(), "?a", "?b");
    expect(r.snr).toBeNull();
    r.snr = null;
    expect(r.rf).toBe(0);
    const s = { n: 1, sum: -5.25, min: -5.25, max: -5.25, last: -5.25, recent: -5.25 };
    r.snr = s;
    const read = r.snr!;
    expect(read).toEqual(s);
    read.n = 9;
    expect(r.snr?.n).toBe(1);
    expect(r.rssi).toBeNull();
    r.snr = null;
    expect(r.snr).toBeNull();
  });
});

describe("an edge's resolution", () => {
  it("reads back every way it was settled, its ends and confidence, and null", () => {
    const c = new EdgeColumns();
    const r = new EdgeRecord(c, c.times.alloc(), "?a1", "@main");
    expect(r.res).toBeNull();
    for (const how of RESOLUTION_HOWS) {
      for (const sure of [false, true]) {
        const res = { a: `K-${how}`, b: "@main", confidence: sure ? 1 : 0.615, sure, how };
        r.res = res;
        expect(r.res).toEqual(res);
        expect(r.res).not.toBe(res);
      }
    }
    r.score = 2.5;
    r.res = null;
    expect(r.res).toBeNull();
    expect(r.score).toBe(2.5);
  });
});

describe("a graph's edges through removals and compaction", () => {
  const sight = (hash: string, at: number, snr: number | null): Sighting => ({
    hash,
    at,
    hashSize: 1,
    kind: 2,
    snr,
    rssi: snr === null ? null : Math.round(snr * 4) - 110,
  });
  const token = (i: number) => `?${i.toString(16).padStart(4, "0")}`;

  it("holds the same edges as a graph that never held the pruned ones", () => {
    const g = new Graph(DAY);
    const h = new Graph(DAY);
    // 9,000 stale edges interleaved with 100 that stay: new edges then get
    // the freed rows.
    for (let i = 0; i < 9100; i++) {
      const stays = i % 91 === 0;
      const at = stays ? T0 + 10 * DAY : T0;
      const s = sight(`h${i}`, at, stays ? (i % 40) / 4 - 5 : null);
      g.add(token(i), token(i + 20000), s);
      if (stays) h.add(token(i), token(i + 20000), s);
    }
    const dropped = g.prune(T0 + 10 * DAY, T0 + DAY, 1_000_000);
    expect(dropped).toHaveLength(9000);
    expect(g.size).toBe(100);
    // More sightings of the kept edges and new edges into the freed rows.
    for (let i = 0; i < 9100; i += 13) {
      const s = sight(`k${i}`, T0 + 11 * DAY + i, (i % 13) - 6.5);
      for (const x of [g, h]) {
        x.add(token(i), token(i + 20000), s);
        x.add(token(i), token(i + 40000), s);
      }
    }
    expect(g.size).toBe(h.size);
    const all = (x: Graph) =>
      [...x.values()].map(plainEdge).sort((p, q) => (p!.a + p!.b < q!.a + q!.b ? -1 : 1));
    expect(all(g)).toEqual(all(h));
    expect(all(g).some((e) => e!.snr !== null && e!.snr.n > 1)).toBe(true);
  });
});

describe("a settle in steps across a prune", () => {
  it("finishes over the edges the prune took out", () => {
    const s = bigState(200, 1000);
    const steps = s.settleSteps(() => true);
    for (let i = 0; i < 300; i++) steps.next();
    // Far past every edge's last sighting: the prune takes them all.
    expect(s.prune(Date.now() + 400 * DAY).length).toBe(1000);
    expect(() => {
      for (let r = steps.next(); !r.done; r = steps.next()) {}
    }).not.toThrow();
    expect(s.graph.size).toBe(0);
  });
});
