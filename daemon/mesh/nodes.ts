/**
 * The node table: what the gateway knows of each node key (from adverts and
 * the store), when it was last heard, how it sounds to our radios, and its
 * health status. Owns the prefix index so the two never disagree.
 */
import { type HealthStatus, type HealthThresholds, healthStatus } from "./health.ts";
import { PrefixIndex } from "./prefix-index.ts";
import type { NodeInfo } from "./resolve.ts";
import { addStat, type RunningStats, type StatsView, viewStats } from "./stats.ts";
import { type MeshAdvert, type ResolvedMeshConfig, type RoleName, roleName } from "./types.ts";

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

export class NodeTable {
  readonly index = new PrefixIndex();
  readonly nodes = new Map<string, NodeState>();
  readonly pins = new Map<string, NodePin>();
  evicted = 0;
  /** Told of each node evicted past the cap (its saved row goes with it). */
  onEvict: ((publicKey: string) => void) | null = null;

  constructor(private readonly cfg: ResolvedMeshConfig) {}

  get size(): number {
    return this.nodes.size;
  }

  get(key: string): NodeState | undefined {
    return this.nodes.get(key);
  }

  info(key: string): NodeInfo | undefined {
    return this.nodes.get(key);
  }

  /** Create or fetch a node; returns undefined for a malformed key. */
  ensure(key: string, at: number): NodeState | undefined {
    let n = this.nodes.get(key);
    if (n) return n;
    if (!/^[0-9A-F]{64}$/.test(key)) return undefined;
    n = {
      publicKey: key,
      name: null,
      role: 0,
      lat: null,
      lon: null,
      firstHeard: at,
      lastHeard: 0,
      lastAdvert: 0,
      lastAdvertTx: 0,
      advertCount: 0,
      advertIntervalMs: null,
      advertTimestamp: 0,
      fewestHops: null,
      snr: null,
      rssi: null,
      lastDirect: 0,
      relayed: 0,
      extras: null,
    };
    this.nodes.set(key, n);
    this.index.add(key);
    if (this.nodes.size > this.cfg.maxNodes) this.evict();
    return n;
  }

  /** Fix a node's name, role and position from local knowledge (the gateway's own radio). */
  pin(key: string, p: NodePin): void {
    this.pins.set(key, p);
    const n = this.ensure(key, 0);
    if (n) this.applyPin(n);
  }

  private applyPin(n: NodeState): void {
    const p = this.pins.get(n.publicKey);
    if (!p) return;
    n.name = cleanName(p.name) ?? n.name;
    if (p.role > 0) n.role = p.role;
    if (finiteOrNull(p.lat) !== null && finiteOrNull(p.lon) !== null) {
      n.lat = p.lat;
      n.lon = p.lon;
    }
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
    const n = this.ensure(String(row.publicKey).toUpperCase(), row.firstSeen);
    if (!n) return;
    n.name = cleanName(row.name) ?? n.name;
    n.role = Number.isInteger(row.role) ? row.role : n.role;
    n.lat = finiteOrNull(row.lat);
    n.lon = finiteOrNull(row.lon);
    n.advertTimestamp = finiteOrNull(row.advertTimestamp) ?? n.advertTimestamp;
    n.extras = cleanExtras(row.extras) ?? n.extras;
    this.applyPin(n);
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
    const n = this.nodes.get(String(row.publicKey).toUpperCase());
    if (!n) return;
    n.lastHeard = Math.max(n.lastHeard, finiteOrNull(row.lastSeen) ?? 0);
    n.lastAdvert = Math.max(n.lastAdvert, finiteOrNull(row.lastAdvert) ?? 0);
    n.lastAdvertTx = Math.max(n.lastAdvertTx, n.lastAdvert);
    n.advertCount = Math.max(n.advertCount, finiteOrNull(row.advertCount) ?? 0);
  }

  advert(a: MeshAdvert, at: number, hops: number, firstSeen: boolean): NodeState | undefined {
    const n = this.ensure(a.publicKey, at);
    if (!n) return undefined;
    n.name = cleanName(a.name) ?? n.name;
    n.role = a.role;
    if (finiteOrNull(a.lat) !== null && finiteOrNull(a.lon) !== null) {
      n.lat = a.lat;
      n.lon = a.lon;
    }
    if (firstSeen) {
      if (n.lastAdvertTx > 0 && at > n.lastAdvertTx) {
        const gap = at - n.lastAdvertTx;
        n.advertIntervalMs =
          n.advertIntervalMs === null ? gap : n.advertIntervalMs + 0.3 * (gap - n.advertIntervalMs);
      }
      n.advertCount++;
      if (at > n.lastAdvertTx) n.lastAdvertTx = at;
    }
    if (at > n.lastAdvert) n.lastAdvert = at;
    n.advertTimestamp = a.timestamp;
    this.applyPin(n);
    this.heard(n, at, hops);
    return n;
  }

  heard(n: NodeState, at: number, hopsAway: number): void {
    if (at > n.lastHeard) n.lastHeard = at;
    if (n.fewestHops === null || hopsAway < n.fewestHops) n.fewestHops = hopsAway;
  }

  direct(n: NodeState, at: number, snr: number | null, rssi: number | null): void {
    if (at > n.lastDirect) n.lastDirect = at;
    if (snr !== null) n.snr = addStat(n.snr, snr);
    if (rssi !== null) n.rssi = addStat(n.rssi, rssi);
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

  /** Over the cap: forget the longest-unheard tenth. */
  private evict(): void {
    const ranked = [...this.nodes.values()].sort(
      (a, b) => Math.max(a.lastHeard, a.firstHeard) - Math.max(b.lastHeard, b.firstHeard),
    );
    const n = Math.max(1, Math.floor(this.cfg.maxNodes / 10));
    for (const s of ranked.filter((x) => !this.pins.has(x.publicKey)).slice(0, n)) {
      this.nodes.delete(s.publicKey);
      this.index.remove(s.publicKey);
      this.evicted++;
      this.onEvict?.(s.publicKey);
    }
  }
}
