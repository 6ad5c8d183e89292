/**
 * Path tokens' statistics as rows: the table holds what the object per
 * token it replaced held, through updates, removals and rows handed out
 * again.
 */
import { describe, expect, it } from "vitest";
import { addStat } from "../../daemon/mesh/stats.ts";
import { type TokenStats, TokenTable } from "../../daemon/mesh/token-table.ts";
import { TestRng } from "../support/rng.ts";

const T0 = Date.UTC(2026, 4, 1);

const fresh = (): TokenStats => ({
  lastHeard: 0,
  fewestHops: null,
  relayed: 0,
  lastDirect: 0,
  snr: null,
  rssi: null,
});

/** The updates as the state made them on an object per token, before the table. */
const model = {
  heard(s: TokenStats, at: number, away: number, relayed: boolean) {
    if (at > s.lastHeard) s.lastHeard = at;
    if (s.fewestHops === null || away < s.fewestHops) s.fewestHops = away;
    if (relayed) s.relayed++;
  },
  alive(s: TokenStats, at: number) {
    if (at > s.lastHeard) s.lastHeard = at;
    s.fewestHops = 0;
  },
  direct(s: TokenStats, at: number, snr: number | null, rssi: number | null) {
    if (at > s.lastDirect) s.lastDirect = at;
    if (snr !== null) s.snr = addStat(s.snr, snr);
    if (rssi !== null) s.rssi = addStat(s.rssi, rssi);
  },
};

describe("token table", () => {
  it("a new token reads as never heard; a read is a copy", () => {
    const t = new TokenTable();
    expect(t.get("?ab")).toBeUndefined();
    expect(t.lastHeard("?ab")).toBe(0);
    const row = t.rowOf("?ab");
    expect(t.rowOf("?ab")).toBe(row);
    expect(t.get("?ab")).toEqual(fresh());
    t.direct(row, T0, -7.25, -101);
    const read = t.get("?ab")!;
    read.snr!.n = 99;
    read.lastDirect = 1;
    expect(t.get("?ab")!.snr!.n).toBe(1);
    expect(t.get("?ab")!.lastDirect).toBe(T0);
  });

  it("holds what an object per token held, through random updates, removals and reused rows", () => {
    const rng = new TestRng(7);
    const t = new TokenTable();
    const ref = new Map<string, TokenStats>();
    const names = Array.from({ length: 6000 }, (_, i) => (i % 3 ? `?${i.toString(16)}` : `@r${i}`));
    for (let step = 0; step < 60_000; step++) {
      const name = names[rng.int(0, names.length - 1)]!;
      const at = T0 + rng.int(0, 86_400_000);
      const op = rng.int(0, 9);
      if (op === 0) {
        expect(t.delete(name)).toBe(ref.delete(name));
        continue;
      }
      if (!ref.has(name)) ref.set(name, fresh());
      const s = ref.get(name)!;
      const row = t.rowOf(name);
      if (op <= 5) {
        const away = rng.int(0, 7);
        const relayed = rng.next() < 0.5;
        model.heard(s, at, away, relayed);
        t.heard(row, at, away, relayed);
      } else if (op === 6) {
        model.alive(s, at);
        t.alive(row, at);
      } else {
        const snr = rng.next() < 0.8 ? rng.int(-80, 50) / 4 : null;
        const rssi = rng.next() < 0.8 ? -rng.int(40, 130) : null;
        model.direct(s, at, snr, rssi);
        t.direct(row, at, snr, rssi);
      }
    }
    expect(t.size).toBe(ref.size);
    expect(new Map(t)).toEqual(ref);
    for (const [name, s] of ref) expect(t.lastHeard(name)).toBe(s.lastHeard);
  });

  it("set writes a saved token back as it was, and a freed row comes back as never heard", () => {
    const t = new TokenTable();
    const saved: TokenStats = {
      lastHeard: T0 + 1,
      fewestHops: 2,
      relayed: 14,
      lastDirect: T0,
      snr: { n: 3, sum: -2.5, min: -4, max: 1.5, last: 0, recent: -0.75 },
      rssi: null,
    };
    t.set("?c0ffee", saved);
    expect(t.get("?c0ffee")).toEqual(saved);
    expect(t.delete("?c0ffee")).toBe(true);
    expect(t.delete("?c0ffee")).toBe(false);
    t.rowOf("?beef");
    expect(t.get("?beef")).toEqual(fresh());
    expect([...t.keys()]).toEqual(["?beef"]);
  });
});
