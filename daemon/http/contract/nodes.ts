/**
 * Nodes, their neighbours, the neighbour graph, prefix collisions and
 * analytics. Node times are integers, ms since the epoch (null = never).
 */
import type { NodeHealth } from "../../mesh/nodes.ts";
import type { GraphEdge, GraphNode } from "../../mesh/queries.ts";
import type { RoleName, SignalStats } from "./common.ts";

/**
 * One node as the nodes list shows it: the mesh model's view of it
 * (NodeHealth, where its fields are described) with its signal null when
 * never heard directly, and what the store and the gateway's radios add.
 */
export interface NodeSummary extends Omit<NodeHealth, "snr" | "rssi" | "sensors"> {
  /** First stored hearing (its first advert), ms epoch. */
  readonly firstHeard: number | null;
  /** How the gateway's radios hear it directly; null when never heard directly. */
  readonly snr: SignalStats | null;
  readonly rssi: SignalStats | null;
  /** True for the gateway's own radio. */
  readonly gateway: boolean;
}

export interface NodeList {
  readonly items: readonly NodeSummary[];
  readonly total: number;
}

/** Signal of one direction of a link (as the receiving end measured it). */
export interface LinkSignal {
  readonly snr: SignalStats | null;
  readonly rssi: SignalStats | null;
}

export interface Neighbour {
  /** Upper-hex key when resolved, else null (see `prefix`). */
  readonly publicKey: string | null;
  /** The unresolved hop prefix (lower hex) when `publicKey` is null. */
  readonly prefix: string | null;
  readonly name: string | null;
  readonly role: RoleName;
  /** 0..1 mean confidence of the link's sightings. */
  readonly confidence: number;
  /** Distinct transmissions that showed the link. */
  readonly sightings: number;
  readonly firstHeard: number;
  readonly lastHeard: number;
  /** How this node heard the neighbour; null when unknown. */
  readonly heardByThis: LinkSignal | null;
  /** How the neighbour heard this node; null when unknown. */
  readonly heardByNeighbour: LinkSignal | null;
  readonly distanceKm: number | null;
}

/** One of this node's own adverts (one per transmission: the hearing with the fewest hops). */
export interface AdvertSeen {
  readonly hash: string;
  readonly receivedAt: string;
  readonly radioId: string;
  readonly snr: number | null;
  readonly rssi: number | null;
  readonly hops: readonly string[];
}

export interface AdvertPath {
  readonly hops: readonly string[];
  readonly count: number;
  readonly lastHeard: number;
}

export interface NodeDetail extends NodeSummary {
  /** Sensor and other advert extras, as sent (bounded). */
  readonly sensors: Readonly<Record<string, unknown>> | null;
  readonly neighbours: readonly Neighbour[];
  /** Other known nodes sharing its 1-, 2- and 3-byte prefixes. */
  readonly sharesPrefixWith: readonly {
    readonly bytes: number;
    readonly keys: readonly string[];
  }[];
  /** Its own adverts (not ones it relayed), newest first. */
  readonly adverts: readonly AdvertSeen[];
  /** SNR/RSSI of its adverts over time, newest first (ms epoch). */
  readonly snrHistory: readonly {
    readonly at: number;
    readonly snr: number | null;
    readonly rssi: number | null;
  }[];
  readonly paths: readonly AdvertPath[];
}

// The graph's nodes and edges are the mesh model's shapes, named here so
// clients import them from the contract.
export type { GraphEdge, GraphNode } from "../../mesh/queries.ts";

export interface GraphView {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export interface CollisionReport {
  readonly knownNodes: number;
  readonly shared: { readonly "1": number; readonly "2": number; readonly "3": number };
  readonly collisions: readonly {
    readonly prefix: string;
    readonly bytes: number;
    readonly keys: readonly string[];
  }[];
}

/**
 * One minute/hour bucket of a traffic series (GET /api/analytics, series
 * kinds): `t` is the bucket start (ms epoch); the other fields are counts
 * named by the kind (packets: observations, transmissions, duplicates).
 */
export type AnalyticsPoint = Readonly<Record<string, number>>;

export interface AnalyticsSeries {
  readonly kind: string;
  readonly range: string;
  readonly bucketMs?: number;
  readonly points?: readonly AnalyticsPoint[];
  readonly bins?: readonly unknown[];
  readonly radios?: Readonly<Record<string, readonly unknown[]>>;
}
