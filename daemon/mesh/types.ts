/**
 * Plain data shapes of the mesh model: its input port (MeshObservation), its
 * config section and the JSON-serialisable answers it gives the HTTP layer.
 */
import { applyDefaults, type SchemaInput } from "../core/schema-type.ts";
import { MESH_SCHEMA } from "./config-schema.ts";
import { type HealthPolicy, healthPolicy } from "./health.ts";

export { type RoleName, roleName } from "../protocol/roles.ts";
export {
  DEFAULT_HEALTH,
  type HealthPolicy,
  type HealthStatus,
  type HealthThresholds,
} from "./health.ts";

/** What the model needs from a verified advert. */
export interface MeshAdvert {
  /** Upper-case hex, 64 chars. */
  readonly publicKey: string;
  /** 1 chat, 2 repeater, 3 room, 4 sensor. */
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly name: string | null;
  /** The sender's own clock (seconds): data only, never used as time. */
  readonly timestamp: number;
}

/** One hearing of one packet by one of the gateway's radios (the model's input port). */
export interface MeshObservation {
  /** Store observation id when known (rebuild watermark, dedupe during swaps). */
  readonly id?: number;
  /** Firmware packet hash, 16 lower hex: the transmission identity. */
  readonly hash: string;
  /** Gateway receive time, ms epoch. */
  readonly at: number;
  readonly radioId: string;
  /** Upper hex of the receiving radio's node key, when known. */
  readonly radioKey: string | null;
  /** Payload type number (0..15), -1 when undecodable. */
  readonly payloadType: number;
  /** Route type number (0..3), -1 when undecodable. */
  readonly route: number;
  /** Path hash size in bytes (1..3). */
  readonly hashSize: number;
  /** Path hops, lower hex each (TRACE: SNR bytes, never used as hops). */
  readonly hops: readonly string[];
  readonly snr: number | null;
  readonly rssi: number | null;
  /** Whole on-air packet length in bytes (for airtime). */
  readonly rawLength: number;
  readonly advert?: MeshAdvert;
  /** GRP_TXT channel: decrypted name ("#test") or "hash:xx". */
  readonly channel?: string;
  readonly firstSeen: boolean;
}

/** The `mesh` config section as written (mesh/config-schema.ts; defaults optional). */
export type MeshConfig = SchemaInput<typeof MESH_SCHEMA>;

/** MeshConfig with every default applied. */
export interface ResolvedMeshConfig {
  readonly edgeHalfLifeMs: number;
  readonly edgePruneMs: number;
  readonly maxLinkKm: number;
  readonly sliceMs: number;
  readonly health: HealthPolicy;
  readonly maxEdges: number;
  readonly maxNodes: number;
  readonly minResolveConfidence: number;
}

const DAY_MS = 86_400_000;

export function resolveConfig(input: MeshConfig = {}): ResolvedMeshConfig {
  const c = applyDefaults(MESH_SCHEMA, input);
  return {
    edgeHalfLifeMs: c.edgeHalfLifeDays * DAY_MS,
    edgePruneMs: c.edgePruneDays * DAY_MS,
    maxLinkKm: c.maxLinkKm,
    sliceMs: c.sliceMs,
    health: healthPolicy(c.health),
    maxEdges: c.maxEdges,
    maxNodes: c.maxNodes,
    // A hop resolves to a node more likely than all the others together (an
    // unheard node included); bench/mesh-accuracy.ts measures what it gives.
    minResolveConfidence: c.minResolveConfidence,
  };
}

export { PAYLOAD_NAMES, ROUTE_NAMES } from "../protocol/constants.ts";

export function isFlood(route: number): boolean {
  return route === 0 || route === 1;
}
