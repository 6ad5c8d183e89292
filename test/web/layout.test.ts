/** The graph's force layout: deterministic, bounded, and linked nodes end closer. */
import { describe, expect, it } from "vitest";
import { forceLayout } from "../../web/src/layout.ts";

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(a.x - b.x, a.y - b.y);

describe("forceLayout", () => {
  it("is deterministic for a seed and stays inside the box", () => {
    const edges = [
      { a: 0, b: 1, weight: 1 },
      { a: 1, b: 2, weight: 0.5 },
    ];
    const p1 = forceLayout(10, edges, { width: 400, height: 300, seed: 3 });
    const p2 = forceLayout(10, edges, { width: 400, height: 300, seed: 3 });
    expect(p1).toEqual(p2);
    for (const p of p1) {
      expect(p.x).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(380 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(280 + 1e-9);
    }
  });

  it("pulls linked nodes together and pushes unlinked ones apart", () => {
    // Two triangles with no link between them.
    const edges = [
      { a: 0, b: 1, weight: 1 },
      { a: 1, b: 2, weight: 1 },
      { a: 2, b: 0, weight: 1 },
      { a: 3, b: 4, weight: 1 },
      { a: 4, b: 5, weight: 1 },
      { a: 5, b: 3, weight: 1 },
    ];
    const p = forceLayout(6, edges, { width: 800, height: 800, seed: 11 });
    const within = (dist(p[0]!, p[1]!) + dist(p[3]!, p[4]!)) / 2;
    const across = (dist(p[0]!, p[3]!) + dist(p[1]!, p[4]!) + dist(p[2]!, p[5]!)) / 3;
    expect(within).toBeLessThan(across);
  });

  it("handles empty, single and self-linked graphs", () => {
    expect(forceLayout(0, [], { width: 100, height: 100 })).toEqual([]);
    expect(forceLayout(1, [], { width: 100, height: 100 })).toEqual([{ x: 50, y: 50 }]);
    // Nodes fill the box: the extremes sit on the margins, none piles on a wall.
    const p8 = forceLayout(8, [{ a: 0, b: 1, weight: 1 }], { width: 300, height: 200, margin: 20 });
    expect(Math.min(...p8.map((q) => q.x))).toBeCloseTo(20);
    expect(Math.max(...p8.map((q) => q.x))).toBeCloseTo(280);
    expect(p8.filter((q) => Math.abs(q.x - 20) < 1).length).toBe(1);
    const p = forceLayout(
      2,
      [
        { a: 0, b: 0, weight: 1 },
        { a: 0, b: 9, weight: 1 },
      ],
      { width: 100, height: 100 },
    );
    expect(p.every((q) => Number.isFinite(q.x) && Number.isFinite(q.y))).toBe(true);
  });
});
