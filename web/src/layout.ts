/**
 * A compact force-directed layout (Fruchterman-Reingold with a cooling
 * schedule). Seeded, so the same graph always lands in the same place and
 * tests can check the geometry; O(n^2) per step, fine for a mesh's few
 * hundred nodes.
 */

export interface LayoutEdge {
  readonly a: number;
  readonly b: number;
  /** 0..1; stronger edges pull harder. */
  readonly weight: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Mulberry32: tiny deterministic PRNG. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function forceLayout(
  n: number,
  edges: readonly LayoutEdge[],
  opts: { width: number; height: number; iterations?: number; seed?: number; margin?: number },
): Point[] {
  const { width, height } = opts;
  const iterations = opts.iterations ?? 300;
  const rand = rng(opts.seed ?? 1);
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) pts.push({ x: rand() * width, y: rand() * height });
  if (n <= 1) {
    if (pts[0]) pts[0] = { x: width / 2, y: height / 2 };
    return pts;
  }
  const k = Math.sqrt((width * height) / n) * 0.8;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temp = width / 10;
  const cool = temp / (iterations + 1);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      const pi = pts[i]!;
      for (let j = i + 1; j < n; j++) {
        const pj = pts[j]!;
        let ex = pi.x - pj.x;
        let ey = pi.y - pj.y;
        let d2 = ex * ex + ey * ey;
        if (d2 < 1e-6) {
          ex = rand() - 0.5;
          ey = rand() - 0.5;
          d2 = ex * ex + ey * ey;
        }
        const f = (k * k) / d2;
        dx[i]! += ex * f;
        dy[i]! += ey * f;
        dx[j]! -= ex * f;
        dy[j]! -= ey * f;
      }
    }
    for (const e of edges) {
      const pa = pts[e.a];
      const pb = pts[e.b];
      if (!pa || !pb || e.a === e.b) continue;
      const ex = pa.x - pb.x;
      const ey = pa.y - pb.y;
      const d = Math.sqrt(ex * ex + ey * ey) || 1e-3;
      const f = (d / k) * (0.5 + e.weight);
      dx[e.a]! -= ex * f;
      dy[e.a]! -= ey * f;
      dx[e.b]! += ex * f;
      dy[e.b]! += ey * f;
    }
    // Gravity keeps disconnected islands from drifting far apart.
    for (let i = 0; i < n; i++) {
      const p = pts[i]!;
      dx[i]! += (width / 2 - p.x) * 0.05 * (k / 50);
      dy[i]! += (height / 2 - p.y) * 0.05 * (k / 50);
      const len = Math.sqrt(dx[i]! ** 2 + dy[i]! ** 2) || 1;
      const step = Math.min(len, temp);
      p.x += (dx[i]! / len) * step;
      p.y += (dy[i]! / len) * step;
    }
    temp = Math.max(0.5, temp - cool);
  }
  return fitToBox(pts, width, height, opts.margin ?? 20);
}

/**
 * Scale and move the layout into the box. Clamping during the simulation
 * instead would pile nodes up along the walls.
 */
function fitToBox(pts: Point[], width: number, height: number, margin: number): Point[] {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const p of pts) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const sx = x1 - x0 > 1e-9 ? (width - 2 * margin) / (x1 - x0) : 0;
  const sy = y1 - y0 > 1e-9 ? (height - 2 * margin) / (y1 - y0) : 0;
  return pts.map((p) => ({
    x: sx ? margin + (p.x - x0) * sx : width / 2,
    y: sy ? margin + (p.y - y0) * sy : height / 2,
  }));
}
