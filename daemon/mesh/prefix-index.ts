/**
 * Index of known node keys by their 1-, 2- and 3-byte prefixes: the forms a
 * path hop takes (protocol doc section 2, path_len hash size). Keys are kept
 * upper hex; lookups accept either case.
 */

import { byCodeUnit } from "../core/order.ts";

export const MAX_HASH_BYTES = 3;

export interface Collision {
  /** Upper hex prefix shared by several known nodes. */
  readonly prefix: string;
  readonly bytes: number;
  readonly keys: readonly string[];
}

/**
 * Kept as one sorted array of keys: the keys sharing a prefix are a run in
 * it, found by binary search. A map from every 1-, 2- and 3-byte prefix to
 * its keys held some 30,000 small arrays at 20,000 nodes; this holds one.
 * Beside it, a number per key (the node table's slot), so that the table
 * needs no Map of its own: at 16,000 keys a Map's hash table is some 0.9 MB
 * (32,768 entries of three words, and buckets), this array 0.13 MB.
 */
export class PrefixIndex {
  private readonly sorted: string[] = [];
  private readonly values: number[] = [];

  get size(): number {
    return this.sorted.length;
  }

  /** Every key in order (a copy: the index may change while the caller walks it). */
  keys(): string[] {
    return this.sorted.slice();
  }

  has(key: string): boolean {
    const i = this.lowerBound(key);
    return this.sorted[i] === key;
  }

  /** Adds `key` with its number; false (and nothing changed) when known or too short. */
  add(key: string, value = 0): boolean {
    if (key.length < MAX_HASH_BYTES * 2) return false;
    const i = this.lowerBound(key);
    if (this.sorted[i] === key) return false;
    this.sorted.splice(i, 0, key);
    this.values.splice(i, 0, value);
    return true;
  }

  /** The number added with `key`; undefined when the key is unknown. */
  valueOf(key: string): number | undefined {
    const i = this.lowerBound(key);
    return this.sorted[i] === key ? this.values[i] : undefined;
  }

  /** Every key with its number, in key order (a copy). */
  entries(): [string, number][] {
    return this.sorted.map((k, i) => [k, this.values[i]!]);
  }

  /** The key at position `i` in key order (0 <= i < size), to walk the index without a copy. */
  keyAt(i: number): string | undefined {
    return this.sorted[i];
  }

  /** The number beside the key at position `i`. */
  valueAt(i: number): number | undefined {
    return this.values[i];
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.sorted[i] !== key) return;
    this.sorted.splice(i, 1);
    this.values.splice(i, 1);
  }

  /** Forget many keys in one pass (an eviction of thousands: one splice each would be quadratic). */
  removeAll(keys: ReadonlySet<string>): void {
    if (keys.size === 0) return;
    let w = 0;
    for (let r = 0; r < this.sorted.length; r++) {
      const k = this.sorted[r]!;
      if (keys.has(k)) continue;
      this.values[w] = this.values[r]!;
      this.sorted[w++] = k;
    }
    this.sorted.length = w;
    this.values.length = w;
  }

  /** Known keys starting with `prefix` (1..3 bytes of hex). Empty when none. */
  lookup(prefix: string): readonly string[] {
    const [from, to] = this.range(prefix);
    return from === to ? EMPTY : this.sorted.slice(from, to);
  }

  /** How many known keys start with `prefix` (no array made). */
  count(prefix: string): number {
    const [from, to] = this.range(prefix);
    return to - from;
  }

  /** The one known key starting with `prefix`, or null when none or several do. */
  sole(prefix: string): string | null {
    const [from, to] = this.range(prefix);
    return to - from === 1 ? this.sorted[from]! : null;
  }

  /** Where the keys under a 1-, 2- or 3-byte prefix sit in the sorted array (empty for any other). */
  private range(prefix: string): [number, number] {
    const p = prefix.toUpperCase();
    if (p.length < 2 || p.length > MAX_HASH_BYTES * 2 || p.length % 2 !== 0) return [0, 0];
    const from = this.lowerBound(p);
    let to = from;
    while (to < this.sorted.length && this.sorted[to]!.startsWith(p)) to++;
    return [from, to];
  }

  /** Prefixes shared by at least two known nodes, most crowded first. */
  collisions(bytes?: number): Collision[] {
    const out: Collision[] = [];
    for (let b = 1; b <= MAX_HASH_BYTES; b++) {
      if (bytes !== undefined && b !== bytes) continue;
      const w = b * 2;
      for (let i = 0; i < this.sorted.length; ) {
        const prefix = this.sorted[i]!.slice(0, w);
        let j = i + 1;
        while (j < this.sorted.length && this.sorted[j]!.startsWith(prefix)) j++;
        if (j - i > 1) out.push({ prefix, bytes: b, keys: this.sorted.slice(i, j) });
        i = j;
      }
    }
    out.sort((x, y) => y.keys.length - x.keys.length || byCodeUnit(x.prefix, y.prefix));
    return out;
  }

  /** First position whose key is not below `s` (code-unit order, as upper hex sorts). */
  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(s)));
}
