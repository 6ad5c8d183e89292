/**
 * Mesh model and store answers to the contract's node shapes (NodeSummary,
 * Neighbour, AdvertSeen). Names, roles and radio identities are joined here,
 * where the answer leaves the process.
 */

import { advertHead } from "../mesh/adapter.ts";
import { type HealthPolicy, healthStatus } from "../mesh/health.ts";
import type { NodeDetail as MeshNodeDetail, NodeHealth } from "../mesh/index.ts";
import type { NodeRow, PacketRow } from "../store/api.ts";
import type {
  AdvertSeen,
  Neighbour,
  NodeSummary,
  RoleName,
  SignalStats,
} from "./contract/index.ts";
import { roleName } from "./format.ts";

/** What the views need to know about every node: first hearing, name and role. */
export interface NodeFacts {
  /** First stored hearing per key (the store's node table), ms epoch. */
  readonly firstHeard: ReadonlyMap<string, number>;
  /** Upper-hex keys of the gateway's own radios. */
  readonly radioKeys: ReadonlySet<string>;
}

export function fromMesh(h: NodeHealth, f: NodeFacts): NodeSummary {
  return {
    publicKey: h.publicKey,
    name: h.name,
    role: h.role,
    status: h.status,
    lat: h.lat,
    lon: h.lon,
    firstHeard: f.firstHeard.get(h.publicKey) ?? null,
    lastHeard: h.lastHeard,
    lastAdvert: h.lastAdvert,
    advertCount: h.advertCount,
    advertIntervalSec: h.advertIntervalSec,
    fewestHops: h.fewestHops,
    direct: h.direct,
    snr: h.snr ?? null,
    rssi: h.rssi ?? null,
    relayed: h.relayed,
    gateway: f.radioKeys.has(h.publicKey),
  };
}

/**
 * A node from the store alone (no mesh model wired): no signal or relay
 * figures; its status by the mesh's health policy (`mesh.health` honoured).
 */
export function fromStore(
  n: NodeRow,
  now: number,
  f: NodeFacts,
  policy: HealthPolicy,
): NodeSummary {
  return {
    publicKey: n.publicKey,
    name: n.name,
    role: roleName(n.role) as RoleName,
    status: healthStatus(n.lastSeen, now, n.role, policy),
    lat: n.lat,
    lon: n.lon,
    firstHeard: n.firstSeen,
    lastHeard: n.lastSeen,
    lastAdvert: n.lastAdvert,
    advertCount: n.advertCount,
    advertIntervalSec: null,
    fewestHops: null,
    direct: false,
    snr: null,
    rssi: null,
    relayed: 0,
    gateway: f.radioKeys.has(n.publicKey),
  };
}

export function firstHeardOf(rows: readonly NodeRow[]): Map<string, number> {
  return new Map(rows.map((n) => [n.publicKey, n.firstSeen]));
}

type Known = ReadonlyMap<string, { readonly name: string | null; readonly role: RoleName }>;

type Edge = MeshNodeDetail["neighbours"][number];

const signal = (e: Edge): { snr: SignalStats | null; rssi: SignalStats | null } => ({
  snr: e.snr ?? null,
  rssi: e.rssi ?? null,
});

/**
 * The graph's edges around `key` as neighbours. An edge's SNR/RSSI is what
 * one of our radios measured of the other end, so it belongs to one
 * direction: "heard by this" on the radio's own page, "heard by the
 * neighbour" on the page of a node the radio heard. Other directions are
 * unknown to the gateway (null).
 */
export function neighboursOf(
  key: string,
  d: MeshNodeDetail,
  known: Known,
  f: NodeFacts,
): Neighbour[] {
  return d.neighbours.map((e) => {
    const other = e.a === key ? e.b : e.a;
    const resolved = !other.startsWith("?");
    const info = resolved ? known.get(other) : undefined;
    const hasSignal = e.snr !== undefined || e.rssi !== undefined;
    return {
      publicKey: resolved ? other : null,
      prefix: resolved ? null : other.slice(1),
      name: info?.name ?? null,
      role: info?.role ?? "unknown",
      confidence: e.confidence,
      sightings: e.sightings,
      firstHeard: e.firstSeen,
      lastHeard: e.lastSeen,
      heardByThis: hasSignal && f.radioKeys.has(key) ? signal(e) : null,
      heardByNeighbour: hasSignal && f.radioKeys.has(other) ? signal(e) : null,
      distanceKm: e.distanceKm ?? null,
    };
  });
}

/**
 * This node's own adverts among rows that mention it (the store also matches
 * adverts it relayed), one per transmission: its hearing with the fewest hops.
 */
export function ownAdverts(key: string, rows: readonly PacketRow[], limit: number): PacketRow[] {
  const byHash = new Map<string, PacketRow>();
  for (const r of rows) {
    if (r.payloadType !== 4 || advertHead(r.raw)?.publicKey !== key) continue;
    const seen = byHash.get(r.hash);
    if (!seen || r.hops.length < seen.hops.length) byHash.set(r.hash, r);
  }
  return [...byHash.values()].slice(0, limit);
}

export function toAdvertSeen(r: PacketRow): AdvertSeen {
  return {
    hash: r.hash,
    receivedAt: new Date(r.at).toISOString(),
    radioId: r.radioId,
    snr: r.snr,
    rssi: r.rssi,
    hops: r.hops,
  };
}
