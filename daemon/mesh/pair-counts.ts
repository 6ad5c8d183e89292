/**
 * Sightings per unordered pair of ids: the settle's "certain" links, which
 * resolution weighs every candidate pair against. Ids are interned to small
 * integers and the pairs live in an open-addressing table of two typed
 * arrays, about 20 bytes a pair. A Map keyed by `${x}|${y}` held a fresh
 * string of up to 129 characters for each pair: with 20,000 nodes and
 * 100,000 edges the heap before bench/mesh-tables.ts's save went 92.4 ->
 * 77.9 MB without it.
 */

/** Interned ids stay below 2^26, so lo * 2^26 + hi is an exact safe integer. */
export const ID_SPAN = 2 ** 26;
const FIRST_CAPACITY = 256;

/** One number for an unordered pair of interned ids (each below ID_SPAN). */
export function pairKey(a: number, b: number): number {
  return a < b ? a * ID_SPAN + b : b * ID_SPAN + a;
}

export class PairCounts {
  private readonly ids = new Map<string, number>();
  /** Pair key + 1 (0: an empty slot). */
  private keys = new Float64Array(FIRST_CAPACITY);
  private counts = new Float64Array(FIRST_CAPACITY);
  private used = 0;

  /** Distinct pairs. */
  get size(): number {
    return this.used;
  }

  /** Count `n` more sightings of x-y; true when the pair is new. */
  add(x: string, y: string, n: number): boolean {
    const a = this.idOf(x);
    const b = this.idOf(y);
    let i = this.slot(a, b);
    const k = pairKey(a, b) + 1;
    if (this.keys[i] === k) {
      this.counts[i]! += n;
      return false;
    }
    if ((this.used + 1) * 4 > this.keys.length * 3) {
      this.grow();
      i = this.slot(a, b);
    }
    this.keys[i] = k;
    this.counts[i] = n;
    this.used++;
    return true;
  }

  /** Sightings of x-y (either order), 0 if never counted. */
  get(x: string, y: string): number {
    const a = this.ids.get(x);
    const b = this.ids.get(y);
    if (a === undefined || b === undefined) return 0;
    const i = this.slot(a, b);
    return this.keys[i] === pairKey(a, b) + 1 ? this.counts[i]! : 0;
  }

  private idOf(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      if (id >= ID_SPAN) throw new RangeError("PairCounts: more than 2^26 ids");
      this.ids.set(s, id);
    }
    return id;
  }

  /** The slot holding a-b, or the empty slot where it goes (linear probing). */
  private slot(a: number, b: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const k = pairKey(lo, hi) + 1;
    const mask = this.keys.length - 1;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 1, 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & mask;
    for (;;) {
      const at = this.keys[i]!;
      if (at === 0 || at === k) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    this.keys = new Float64Array(keys.length * 2);
    this.counts = new Float64Array(keys.length * 2);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      if (k === 0) continue;
      const lo = Math.floor((k - 1) / ID_SPAN);
      const i = this.slot(lo, k - 1 - lo * ID_SPAN);
      this.keys[i] = k;
      this.counts[i] = counts[j]!;
    }
  }
}
