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

export class PrefixIndex {
  /** prefix (upper hex, 2/4/6 chars) -> full keys sharing it. */
  private readonly byPrefix = new Map<string, string[]>();
  private readonly keys = new Set<string>();

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): boolean {
    if (this.keys.has(key) || key.length < MAX_HASH_BYTES * 2) return false;
    this.keys.add(key);
    for (let b = 1; b <= MAX_HASH_BYTES; b++) {
      const p = key.slice(0, b * 2);
      const list = this.byPrefix.get(p);
      if (list) list.push(key);
      else this.byPrefix.set(p, [key]);
    }
    return true;
  }

  remove(key: string): void {
    if (!this.keys.delete(key)) return;
    for (let b = 1; b <= MAX_HASH_BYTES; b++) {
      const p = key.slice(0, b * 2);
      const list = this.byPrefix.get(p);
      if (!list) continue;
      const i = list.indexOf(key);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byPrefix.delete(p);
    }
  }

  /** Known keys starting with `prefix` (1..3 bytes of hex). Empty when none. */
  lookup(prefix: string): readonly string[] {
    return this.byPrefix.get(prefix.toUpperCase()) ?? EMPTY;
  }

  /** Prefixes shared by at least two known nodes, most crowded first. */
  collisions(bytes?: number): Collision[] {
    const out: Collision[] = [];
    for (const [prefix, list] of this.byPrefix) {
      const b = prefix.length / 2;
      if (bytes !== undefined && b !== bytes) continue;
      if (list.length > 1) out.push({ prefix, bytes: b, keys: [...list].sort() });
    }
    out.sort((x, y) => y.keys.length - x.keys.length || byCodeUnit(x.prefix, y.prefix));
    return out;
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
