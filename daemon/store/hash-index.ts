/**
 * Which archive partition holds a transmission: one Bloom filter of packet
 * hashes per partition, in a small file beside it (`<partition>.hashes`).
 * A lookup reads the filters, not the partitions, so a packet's detail opens
 * the one partition that holds it instead of searching them newest first.
 *
 * 16 bits per transmission and 8 probes give a false-positive rate of about
 * 0.06% per partition: with 256 partitions (the default 1 GiB archive of 4 MiB
 * parts) a lookup opens a wrong partition once in about seven. The filters
 * live on flash; the store keeps the recently used ones in memory, bounded in
 * bytes (HashIndex.cacheBytes). Filters are written before their partition,
 * so a filter never lacks a row its partition holds (a power cut between the
 * two leaves a filter with extra hashes: a false positive, never a miss). A
 * partition without a filter (written by an earlier version) is a candidate
 * for every lookup until a read opens it, which writes its filter.
 */
import { join } from "node:path";
import type { FsPort } from "./fsport.ts";
import { writeAtomic } from "./snapshots.ts";

const MAGIC = [0x4d, 0x47, 0x48, 0x31]; // "MGH1"
const BITS_PER_KEY = 16;
const PROBES = 8;
/** Smallest filter (bits): a nearly empty partition still gets a useful one. */
const MIN_BITS = 8192;

export const HASHES_SUFFIX = ".hashes";

export function hashesName(partition: string): string {
  return `${partition}${HASHES_SUFFIX}`;
}

/** Two independent 32-bit FNV-1a values of the hash string (double hashing derives the probes). */
function seeds(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** A filter file's bytes: magic, then the bit array. */
export function buildFilter(hashes: Iterable<string>, count: number): Uint8Array {
  const bits = Math.max(MIN_BITS, Math.ceil((count * BITS_PER_KEY) / 8) * 8);
  const out = new Uint8Array(MAGIC.length + bits / 8);
  out.set(MAGIC);
  for (const h of hashes) {
    const [a, b] = seeds(h);
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const k = bit % bits;
      out[MAGIC.length + (k >>> 3)]! |= 1 << (k & 7);
    }
  }
  return out;
}

/** False when the filter proves the hash absent; true (maybe present) otherwise or if the filter is not valid. */
export function mayContain(filter: Uint8Array, hash: string): boolean {
  if (filter.length <= MAGIC.length || MAGIC.some((m, i) => filter[i] !== m)) return true;
  const bits = (filter.length - MAGIC.length) * 8;
  const [a, b] = seeds(hash);
  for (let i = 0; i < PROBES; i++) {
    const k = ((a + Math.imul(i, b)) >>> 0) % bits;
    if (((filter[MAGIC.length + (k >>> 3)] ?? 0) & (1 << (k & 7))) === 0) return false;
  }
  return true;
}

/** The filters of one archive directory, read on demand, cached up to a byte budget (least recently used out). */
export class HashIndex {
  private readonly cache = new Map<string, Uint8Array | null>();
  private cached = 0;

  constructor(
    private readonly fsp: FsPort,
    private readonly dir: string,
    readonly cacheBytes = 1024 * 1024,
  ) {}

  /** Write a partition's filter durably (before the partition file itself). */
  async write(partition: string, hashes: readonly string[]): Promise<void> {
    const f = buildFilter(hashes, hashes.length);
    await writeAtomic(this.fsp, this.dir, hashesName(partition), f);
    this.forget(partition);
    this.remember(partition, f);
  }

  /** True unless the partition's filter proves `hash` absent (no filter: true). */
  mayHold(partition: string, hash: string): boolean {
    const f = this.filter(partition);
    return f === null || mayContain(f, hash);
  }

  /** Whether the partition has a filter file. */
  has(partition: string): boolean {
    return this.filter(partition) !== null;
  }

  /** Drop a partition's cached filter (its file is removed or rewritten by the caller). */
  forget(partition: string): void {
    const f = this.cache.get(partition);
    if (f === undefined) return;
    this.cached -= f?.length ?? 0;
    this.cache.delete(partition);
  }

  /** Remove a partition's filter file (ENOENT is fine). */
  unlink(partition: string): void {
    this.forget(partition);
    try {
      this.fsp.unlinkSync(join(this.dir, hashesName(partition)));
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT") throw err;
    }
  }

  private filter(partition: string): Uint8Array | null {
    const hit = this.cache.get(partition);
    if (hit !== undefined) {
      // Re-insert: Map order is the LRU order.
      this.cache.delete(partition);
      this.cache.set(partition, hit);
      return hit;
    }
    let f: Uint8Array | null = null;
    try {
      f = this.fsp.readFileSync(join(this.dir, hashesName(partition))) as Uint8Array;
    } catch {
      // Missing or unreadable: the partition stays a candidate for every lookup.
    }
    this.remember(partition, f);
    return f;
  }

  private remember(partition: string, f: Uint8Array | null): void {
    this.cache.set(partition, f);
    this.cached += f?.length ?? 0;
    for (const [name, v] of this.cache) {
      if (this.cached <= this.cacheBytes || name === partition) break;
      this.cache.delete(name);
      this.cached -= v?.length ?? 0;
    }
  }
}
