/**
 * What the deframer fuzz tests share: a stream of good frames with garbage
 * between them, fed in seeded random pieces as a serial link hands it over,
 * and the check that every good frame came out, in order, whatever else the
 * garbage made.
 */
import { expect } from "vitest";

/**
 * `count` frames from `next`: each its content and the bytes it puts on the
 * wire (its encoding, with any garbage around it). The whole stream, and the
 * contents as hex in stream order.
 */
export function framedStream(
  count: number,
  next: () => { content: Uint8Array; wire: readonly number[] },
): { bytes: Uint8Array; contents: string[] } {
  const wire: number[] = [];
  const contents: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = next();
    contents.push(Buffer.from(f.content).toString("hex"));
    wire.push(...f.wire);
  }
  return { bytes: Uint8Array.from(wire), contents };
}

/** `bytes` given to `push` in seeded random pieces of 1..`max` bytes; all it returned, in order. */
export function pushInRandomPieces<T>(
  r: () => number,
  bytes: Uint8Array,
  max: number,
  push: (piece: Uint8Array) => T[],
): T[] {
  const out: T[] = [];
  for (let o = 0; o < bytes.length; ) {
    const n = 1 + Math.floor(r() * max);
    out.push(...push(bytes.subarray(o, o + n)));
    o += n;
  }
  return out;
}

/** Every item of `want` is in `got` in the same order; other items may stand between them. */
export function expectInOrder(got: readonly string[], want: readonly string[]): void {
  let j = 0;
  for (const g of got) if (g === want[j]) j++;
  expect(j, "good frames found in order").toBe(want.length);
}
