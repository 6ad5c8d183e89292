/**
 * The one seeded PRNG of the tests and benches (mulberry32: integer maths via
 * Math.imul, so the stream does not decay the way a float LCG does), so every
 * run builds the same data and a failure reproduces.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(r: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

/** The same stream with the draws generators want: integers, picks, bytes, hex. */
export class TestRng {
  readonly next: () => number;
  /** Seed 0 is taken as 1 (the mesh generators have always done so). */
  constructor(seed: number) {
    this.next = rng(seed >>> 0 || 1);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)] as T;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
  /** `bytes` random bytes as upper-case hex. */
  hex(bytes: number): string {
    let s = "";
    for (let i = 0; i < bytes; i++) s += this.int(0, 255).toString(16).padStart(2, "0");
    return s.toUpperCase();
  }
}
