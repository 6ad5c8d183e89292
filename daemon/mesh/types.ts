/**
 * Plain data shapes of the mesh model: its input port (MeshObservation), its
 * config section and the JSON-serialisable answers it gives the HTTP layer.
 */

import type { RoleName } from "../protocol/roles.ts";

export { type RoleName, roleName } from "../protocol/roles.ts";

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

export interface HealthThresholds {
  readonly degradedAfterSec: number;
  readonly silentAfterSec: number;
}

/** The `mesh` config section (schema/config.schema.json). */
export interface MeshConfig {
  readonly edgeHalfLifeDays?: number;
  readonly edgePruneDays?: number;
  readonly maxLinkKm?: number;
  readonly sliceMs?: number;
  readonly health?: Readonly<Record<string, Partial<HealthThresholds>>>;
  /** Cap on stored edges; the lowest-scored are dropped past it. */
  readonly maxEdges?: number;
  /** Cap on tracked nodes. */
  readonly maxNodes?: number;
  /** Hop resolution below this confidence stays a bare prefix. */
  readonly minResolveConfidence?: number;
}

/** MeshConfig with every default applied. */
export interface ResolvedMeshConfig {
  readonly edgeHalfLifeMs: number;
  readonly edgePruneMs: number;
  readonly maxLinkKm: number;
  readonly sliceMs: number;
  readonly health: Readonly<Record<RoleName, HealthThresholds>>;
  readonly maxEdges: number;
  readonly maxNodes: number;
  readonly minResolveConfidence: number;
}

const DAY_MS = 86_400_000;

/**
 * Repeaters and room servers flood an advert every 12 h by default
 * (examples/simple_repeater/MyMesh.cpp, `flood_advert_interval = 12`) and relay
 * traffic in between, so two missed adverts mean silent. Chat nodes advert
 * only when their user asks; sensors report often.
 */
export const DEFAULT_HEALTH: Readonly<Record<RoleName, HealthThresholds>> = {
  repeater: { degradedAfterSec: 6 * 3600, silentAfterSec: 25 * 3600 },
  room: { degradedAfterSec: 6 * 3600, silentAfterSec: 25 * 3600 },
  chat: { degradedAfterSec: 3 * 86400, silentAfterSec: 14 * 86400 },
  sensor: { degradedAfterSec: 12 * 3600, silentAfterSec: 48 * 3600 },
  unknown: { degradedAfterSec: 86400, silentAfterSec: 7 * 86400 },
};

export function resolveConfig(c: MeshConfig = {}): ResolvedMeshConfig {
  const health = { ...DEFAULT_HEALTH } as Record<RoleName, HealthThresholds>;
  for (const [role, t] of Object.entries(c.health ?? {})) {
    const key = (role === "companion" ? "chat" : role) as RoleName;
    const base = health[key] ?? DEFAULT_HEALTH.unknown;
    health[key] = {
      degradedAfterSec: t.degradedAfterSec ?? base.degradedAfterSec,
      silentAfterSec: t.silentAfterSec ?? base.silentAfterSec,
    };
  }
  return {
    edgeHalfLifeMs: (c.edgeHalfLifeDays ?? 7) * DAY_MS,
    edgePruneMs: (c.edgePruneDays ?? 30) * DAY_MS,
    maxLinkKm: c.maxLinkKm ?? 150,
    sliceMs: c.sliceMs ?? 8,
    health,
    maxEdges: c.maxEdges ?? 50_000,
    maxNodes: c.maxNodes ?? 20_000,
    // A hop resolves to a node more likely than all the others together (an
    // unheard node included); bench/mesh-accuracy.ts measures what it gives.
    minResolveConfidence: c.minResolveConfidence ?? 0.5,
  };
}

export { PAYLOAD_NAMES, ROUTE_NAMES } from "../protocol/constants.ts";

export function isFlood(route: number): boolean {
  return route === 0 || route === 1;
}
