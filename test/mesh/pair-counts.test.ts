import { describe, expect, it } from "vitest";
import { PairCounts } from "../../daemon/mesh/pair-counts.ts";
import { TestRng } from "../support/rng.ts";

describe("PairCounts", () => {
  it("counts an unordered pair in either order, and nothing for pairs never added", () => {
    const p = new PairCounts();
    expect(p.add("AA", "BB", 3)).toBe(true);
    expect(p.add("BB", "AA", 2)).toBe(false);
    expect(p.get("AA", "BB")).toBe(5);
    expect(p.get("BB", "AA")).toBe(5);
    expect(p.get("AA", "CC")).toBe(0);
    expect(p.get("CC", "DD")).toBe(0);
    expect(p.add("AA", "CC", 0)).toBe(true);
    expect(p.get("AA", "CC")).toBe(0);
    expect(p.size).toBe(2);
  });

  it("agrees with a Map of joined keys through many growths", () => {
    const rng = new TestRng(7);
    const ids = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `@r${i}` : rng.hex(32)));
    const p = new PairCounts();
    const ref = new Map<string, number>();
    const join = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
    for (let i = 0; i < 40_000; i++) {
      const x = rng.pick(ids);
      const y = rng.pick(ids);
      if (x === y) continue;
      const n = 1 + Math.floor(rng.next() * 5);
      const k = join(x, y);
      expect(p.add(x, y, n)).toBe(!ref.has(k));
      ref.set(k, (ref.get(k) ?? 0) + n);
    }
    expect(p.size).toBe(ref.size);
    for (const [k, n] of ref) {
      const [x, y] = k.split("|") as [string, string];
      expect(p.get(y, x)).toBe(n);
    }
    for (let i = 0; i < 2000; i++) {
      const x = rng.pick(ids);
      const y = rng.pick(ids);
      if (x !== y) expect(p.get(x, y)).toBe(ref.get(join(x, y)) ?? 0);
    }
  });
});
