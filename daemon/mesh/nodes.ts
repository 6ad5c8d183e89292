/**
 * The node table: what the gateway knows of each node key (from adverts and
 * the store), when it was last heard, how it sounds to our radios, and its
 * health status. Owns the prefix index so the two never disagree.
 *
 * Stored by column, not as one object per node: a slot per key in one
 * Float64Array, names in a plain array, sensor extras in a map by slot. A
 * key finds its slot through the prefix index, which keeps the slot beside
 * the key (no Map of keys). An object per node cost some 310 bytes of V8
 * heap (its fields, and a boxed number for each time) against 112 here,
 * which at 20,000 nodes is most of what the mesh model weighs
 * (bench/soak.ts --nodes 20000). The nodes a radio heard directly, a few
 * in a real mesh, have a row of SNR and RSSI statistics besides (RfRows);
 * as objects in two maps by slot they held more (bench/mesh-tables.ts'
 * restored state, 20,000 nodes all heard directly: heap 38.9 -> 30.8 MB,
 * array buffers 15.1 -> 19.0). Readers get a plain NodeState copy; every
 * change goes through the table's methods.
 */
import { type HealthStatus, type HealthThresholds, healthStatus } from "./health.ts";
import { PrefixIndex } from "./prefix-index.ts";
import type { NodeInfo } from "./resolve.ts";
import { RfRows } from "./rows.ts";
import { type RunningStats, type StatsView, viewStats } from "./stats.ts";
import { type MeshAdvert, type ResolvedMeshConfig, type RoleName, roleName } from "./types.ts";

/** One node as the table answers it (a copy: change it through the table). */
export interface NodeState {
  publicKey: string;
  name: string | null;
  role: number;
  lat: number | null;
  lon: number | null;
  firstHeard: number;
  /** Any packet in which this node was resolved (originator or relay). 0 = never. */
  lastHeard: number;
  lastAdvert: number;
  /** Receive time of the last distinct advert (relayed copies excluded). */
  lastAdvertTx: number;
  advertCount: number;
  /** Smoothed gap between distinct adverts, ms. */
  advertIntervalMs: number | null;
  advertTimestamp: number;
  fewestHops: number | null;
  /** Heard directly by one of our radios. */
  snr: RunningStats | null;
  rssi: RunningStats | null;
  lastDirect: number;
  relayed: number;
  extras: Record<string, unknown> | null;
}

export type { HealthStatus };

export interface NodeHealth {
  readonly publicKey: string;
  readonly name: string | null;
  readonly role: RoleName;
  readonly status: HealthStatus;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly lastHeard: number | null;
  readonly lastAdvert: number | null;
  readonly advertCount: number;
  /** Typical gap between its adverts, seconds. */
  readonly advertIntervalSec: number | null;
  readonly fewestHops: number | null;
  /** Heard directly (0 hops) by one of the gateway's radios. */
  readonly direct: boolean;
  readonly snr?: StatsView;
  readonly rssi?: StatsView;
  /** Transmissions it relayed on the way to the gateway. */
  readonly relayed: number;
  readonly sensors: Record<string, unknown> | null;
}

const MAX_NAME = 64;
const MAX_EXTRAS_JSON = 2048;

/** Names come from the air: drop control characters and bound the length. */
export function cleanName(name: unknown): string | null {
  if (typeof name !== "string") return null;
  const s = name.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return s.length === 0 ? null : s.slice(0, MAX_NAME);
}

export function cleanExtras(v: unknown): Record<string, unknown> | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  try {
    const s = JSON.stringify(v);
    return s.length <= MAX_EXTRAS_JSON ? (JSON.parse(s) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** What the gateway's configuration says of its own node (wins over adverts and the radio). */
export interface NodePin {
  readonly name: string | null;
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
}

/** Number columns per slot; null is stored as NaN where a field may be null. */
const LAT = 0;
const LON = 1;
const FIRST_HEARD = 2;
const LAST_HEARD = 3;
const LAST_ADVERT = 4;
const LAST_ADVERT_TX = 5;
const ADVERT_COUNT = 6;
const ADVERT_INTERVAL = 7;
const ADVERT_TIMESTAMP = 8;
const FEWEST_HOPS = 9;
const LAST_DIRECT = 10;
const RELAYED = 11;
const ROLE = 12;
/** The node's ref in the table's RfRows (0: never heard directly). */
const RF = 13;
const COLUMNS = 14;

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

export class NodeTable {
  readonly index = new PrefixIndex();
  readonly pins = new Map<string, NodePin>();
  evicted = 0;
  /** Told of each node evicted past the cap (its saved row goes with it). */
  onEvict: ((publicKey: string) => void) | null = null;
  private num = new Float64Array(0);
  /** Slots made so far (freed ones are reused first). */
  private made = 0;
  private readonly names: (string | null)[] = [];
  /** SNR and RSSI of the nodes a radio heard directly, only theirs. */
  private readonly rf = new RfRows();
  private readonly extrasOf = new Map<number, Record<string, unknown>>();
  private readonly free: number[] = [];

  constructor(private readonly cfg: ResolvedMeshConfig) {}

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Every node, as copies, one at a time, in key order (no list of all keys made). */
  *values(): IterableIterator<NodeState> {
    for (let i = 0; i < this.index.size; i++) {
      const key = this.index.keyAt(i);
      const slot = this.index.valueAt(i);
      if (key !== undefined && slot !== undefined) yield this.read(key, slot);
    }
  }

  /** A copy of the node's state; undefined when the key is unknown. */
  get(key: string): NodeState | undefined {
    const slot = this.index.valueOf(key);
    return slot === undefined ? undefined : this.read(key, slot);
  }

  info(key: string): NodeInfo | undefined {
    const slot = this.index.valueOf(key);
    if (slot === undefined) return undefined;
    const o = slot * COLUMNS;
    const v = this.num;
    return { role: v[o + ROLE]!, lat: orNull(v[o + LAT]!), lon: orNull(v[o + LON]!) };
  }

  /** Learn a key (no hearing implied); false for a malformed key. */
  ensure(key: string, at: number): boolean {
    return this.slotOf(key, at) !== undefined;
  }

  /** Put a saved node back whole (mesh/parse.ts has checked its fields). */
  put(n: NodeState): boolean {
    const slot = this.slotOf(n.publicKey, n.firstHeard);
    if (slot === undefined) return false;
    const o = slot * COLUMNS;
    const v = this.num;
    v[o + LAT] = orNaN(n.lat);
    v[o + LON] = orNaN(n.lon);
    v[o + FIRST_HEARD] = n.firstHeard;
    v[o + LAST_HEARD] = n.lastHeard;
    v[o + LAST_ADVERT] = n.lastAdvert;
    v[o + LAST_ADVERT_TX] = n.lastAdvertTx;
    v[o + ADVERT_COUNT] = n.advertCount;
    v[o + ADVERT_INTERVAL] = orNaN(n.advertIntervalMs);
    v[o + ADVERT_TIMESTAMP] = n.advertTimestamp;
    v[o + FEWEST_HOPS] = orNaN(n.fewestHops);
    v[o + LAST_DIRECT] = n.lastDirect;
    v[o + RELAYED] = n.relayed;
    v[o + ROLE] = n.role;
    this.names[slot] = n.name;
    v[o + RF] = this.rf.put(v[o + RF]!, n.snr, n.rssi);
    this.setSparse(this.extrasOf, slot, n.extras);
    return true;
  }

  /** Fix a node's name, role and position from local knowledge (the gateway's own radio). */
  pin(key: string, p: NodePin): void {
    this.pins.set(key, p);
    const slot = this.slotOf(key, 0);
    if (slot !== undefined) this.applyPin(key, slot);
  }

  /** Seed from the store's node table (no hearing implied). */
  seed(row: {
    publicKey: string;
    name: string | null;
    role: number;
    lat: number | null;
    lon: number | null;
    firstSeen: number;
    lastSeen: number;
    lastAdvert: number;
    advertCount: number;
    advertTimestamp: number;
    extras: Readonly<Record<string, unknown>> | null;
  }): void {
    const key = String(row.publicKey).toUpperCase();
    const slot = this.slotOf(key, row.firstSeen);
    if (slot === undefined) return;
    const o = slot * COLUMNS;
    const v = this.num;
    this.names[slot] = cleanName(row.name) ?? this.names[slot] ?? null;
    if (Number.isInteger(row.role)) v[o + ROLE] = row.role;
    v[o + LAT] = orNaN(finiteOrNull(row.lat));
    v[o + LON] = orNaN(finiteOrNull(row.lon));
    v[o + ADVERT_TIMESTAMP] = finiteOrNull(row.advertTimestamp) ?? v[o + ADVERT_TIMESTAMP]!;
    const extras = cleanExtras(row.extras);
    if (extras) this.extrasOf.set(slot, extras);
    this.applyPin(key, slot);
  }

  /**
   * The store's counts for a node, once the rebuild has replayed the stored
   * adverts: the larger wins, so adverts still stored are not counted twice
   * and those retention removed are not forgotten.
   */
  seedCounts(row: {
    publicKey: string;
    lastSeen: number;
    lastAdvert: number;
    advertCount: number;
  }): void {
    const slot = this.index.valueOf(String(row.publicKey).toUpperCase());
    if (slot === undefined) return;
    const o = slot * COLUMNS;
    const v = this.num;
    v[o + LAST_HEARD] = Math.max(v[o + LAST_HEARD]!, finiteOrNull(row.lastSeen) ?? 0);
    v[o + LAST_ADVERT] = Math.max(v[o + LAST_ADVERT]!, finiteOrNull(row.lastAdvert) ?? 0);
    v[o + LAST_ADVERT_TX] = Math.max(v[o + LAST_ADVERT_TX]!, v[o + LAST_ADVERT]!);
    v[o + ADVERT_COUNT] = Math.max(v[o + ADVERT_COUNT]!, finiteOrNull(row.advertCount) ?? 0);
  }

  /** Fold in an advert; returns the node's key, or undefined for a malformed one. */
  advert(a: MeshAdvert, at: number, hops: number, firstSeen: boolean): string | undefined {
    const key = a.publicKey;
    const slot = this.slotOf(key, at);
    if (slot === undefined) return undefined;
    const o = slot * COLUMNS;
    const v = this.num;
    this.names[slot] = cleanName(a.name) ?? this.names[slot] ?? null;
    v[o + ROLE] = a.role;
    if (finiteOrNull(a.lat) !== null && finiteOrNull(a.lon) !== null) {
      v[o + LAT] = a.lat as number;
      v[o + LON] = a.lon as number;
    }
    if (firstSeen) {
      const lastTx = v[o + LAST_ADVERT_TX]!;
      if (lastTx > 0 && at > lastTx) {
        const gap = at - lastTx;
        const prev = v[o + ADVERT_INTERVAL]!;
        v[o + ADVERT_INTERVAL] = Number.isNaN(prev) ? gap : prev + 0.3 * (gap - prev);
      }
      v[o + ADVERT_COUNT] = v[o + ADVERT_COUNT]! + 1;
      if (at > lastTx) v[o + LAST_ADVERT_TX] = at;
    }
    if (at > v[o + LAST_ADVERT]!) v[o + LAST_ADVERT] = at;
    v[o + ADVERT_TIMESTAMP] = a.timestamp;
    this.applyPin(key, slot);
    if (at > v[o + LAST_HEARD]!) v[o + LAST_HEARD] = at;
    const fewest = v[o + FEWEST_HOPS]!;
    if (Number.isNaN(fewest) || hops < fewest) v[o + FEWEST_HOPS] = hops;
    return key;
  }

  /** Heard directly by one of the gateway's radios. */
  direct(key: string, at: number, snr: number | null, rssi: number | null): void {
    const slot = this.index.valueOf(key);
    if (slot === undefined) return;
    const o = slot * COLUMNS;
    const v = this.num;
    if (at > v[o + LAST_DIRECT]!) v[o + LAST_DIRECT] = at;
    v[o + RF] = this.rf.add(v[o + RF]!, snr, rssi);
  }

  thresholds(role: number): HealthThresholds {
    return this.cfg.health[roleName(role)];
  }

  status(n: NodeState, now: number): HealthStatus {
    return healthStatus(n.lastHeard, now, n.role, this.cfg.health);
  }

  health(n: NodeState, now: number): NodeHealth {
    const snr = viewStats(n.snr);
    const rssi = viewStats(n.rssi);
    return {
      publicKey: n.publicKey,
      name: n.name,
      role: roleName(n.role),
      status: this.status(n, now),
      lat: n.lat,
      lon: n.lon,
      lastHeard: n.lastHeard || null,
      lastAdvert: n.lastAdvert || null,
      advertCount: n.advertCount,
      advertIntervalSec: n.advertIntervalMs === null ? null : Math.round(n.advertIntervalMs / 1000),
      fewestHops: n.fewestHops,
      direct: n.lastDirect > 0,
      ...(snr ? { snr } : {}),
      ...(rssi ? { rssi } : {}),
      relayed: n.relayed,
      sensors: n.extras,
    };
  }

  /** The field order is the saved row's (mesh/persist.ts writes it as JSON). */
  private read(key: string, slot: number): NodeState {
    const o = slot * COLUMNS;
    const v = this.num;
    return {
      publicKey: key,
      name: this.names[slot] ?? null,
      role: v[o + ROLE]!,
      lat: orNull(v[o + LAT]!),
      lon: orNull(v[o + LON]!),
      firstHeard: v[o + FIRST_HEARD]!,
      lastHeard: v[o + LAST_HEARD]!,
      lastAdvert: v[o + LAST_ADVERT]!,
      lastAdvertTx: v[o + LAST_ADVERT_TX]!,
      advertCount: v[o + ADVERT_COUNT]!,
      advertIntervalMs: orNull(v[o + ADVERT_INTERVAL]!),
      advertTimestamp: v[o + ADVERT_TIMESTAMP]!,
      fewestHops: orNull(v[o + FEWEST_HOPS]!),
      snr: this.rf.snr(v[o + RF]!),
      rssi: this.rf.rssi(v[o + RF]!),
      lastDirect: v[o + LAST_DIRECT]!,
      relayed: v[o + RELAYED]!,
      extras: this.extrasOf.get(slot) ?? null,
    };
  }

  /** The key's slot, made (all zero, nulls NaN) when the key is new; undefined for a malformed key. */
  private slotOf(key: string, at: number): number | undefined {
    const known = this.index.valueOf(key);
    if (known !== undefined) return known;
    if (!/^[0-9A-F]{64}$/.test(key)) return undefined;
    const slot = this.free.pop() ?? this.made;
    if (slot === this.made) {
      this.made++;
      this.names.push(null);
    }
    if ((slot + 1) * COLUMNS > this.num.length) {
      // Half as much again each time, never past the cap (plus the one
      // slot a newcomer holds before the eviction it causes).
      const want = Math.max(64, Math.ceil((slot + 1) * 1.5));
      const slots = Math.max(slot + 1, Math.min(want, this.cfg.maxNodes + 1));
      const grown = new Float64Array(slots * COLUMNS);
      grown.set(this.num);
      this.num = grown;
    }
    const o = slot * COLUMNS;
    this.num.fill(0, o, o + COLUMNS);
    for (const c of [LAT, LON, ADVERT_INTERVAL, FEWEST_HOPS]) this.num[o + c] = Number.NaN;
    this.num[o + FIRST_HEARD] = at;
    this.names[slot] = null;
    this.index.add(key, slot);
    if (this.index.size > this.cfg.maxNodes) this.evict();
    return this.index.valueOf(key);
  }

  private applyPin(key: string, slot: number): void {
    const p = this.pins.get(key);
    if (!p) return;
    this.names[slot] = cleanName(p.name) ?? this.names[slot] ?? null;
    const o = slot * COLUMNS;
    if (p.role > 0) this.num[o + ROLE] = p.role;
    if (finiteOrNull(p.lat) !== null && finiteOrNull(p.lon) !== null) {
      this.num[o + LAT] = p.lat as number;
      this.num[o + LON] = p.lon as number;
    }
  }

  private setSparse<T>(m: Map<number, T>, slot: number, v: T | null): void {
    if (v === null) m.delete(slot);
    else m.set(slot, v);
  }

  /** Over the cap: forget the longest-unheard tenth. */
  private evict(): void {
    const v = this.num;
    const heard = (slot: number) =>
      Math.max(v[slot * COLUMNS + LAST_HEARD]!, v[slot * COLUMNS + FIRST_HEARD]!);
    // Stable sort over key order: ties go by key.
    const ranked = this.index.entries().sort((a, b) => heard(a[1]) - heard(b[1]));
    const n = Math.max(1, Math.floor(this.cfg.maxNodes / 10));
    const gone = ranked.filter(([k]) => !this.pins.has(k)).slice(0, n);
    this.index.removeAll(new Set(gone.map(([k]) => k)));
    for (const [key, slot] of gone) {
      this.names[slot] = null;
      this.rf.release(v[slot * COLUMNS + RF]!);
      v[slot * COLUMNS + RF] = 0;
      this.extrasOf.delete(slot);
      this.free.push(slot);
      this.evicted++;
      this.onEvict?.(key);
    }
  }
}
