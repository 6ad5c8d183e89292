/**
 * Store rows to API shapes. Names follow the firmware's constants
 * (https://github.com/meshcore-dev/MeshCore/blob/main/src/Packet.h).
 */
import type { PacketItem } from "../core/types.ts";
import type { NodeRow, PacketRow } from "../store/api.ts";

export const PAYLOAD_TYPES: readonly string[] = [
  "REQ",
  "RESPONSE",
  "TXT_MSG",
  "ACK",
  "ADVERT",
  "GRP_TXT",
  "GRP_DATA",
  "ANON_REQ",
  "PATH",
  "TRACE",
  "MULTIPART",
  "CONTROL",
  "RESERVED_C",
  "RESERVED_D",
  "RESERVED_E",
  "RAW_CUSTOM",
];
export const ROUTES: readonly string[] = ["TRANSPORT_FLOOD", "FLOOD", "DIRECT", "TRANSPORT_DIRECT"];
/** Advert node roles (ADV_TYPE_* in src/helpers/AdvertDataHelpers.h). */
export const ROLES: readonly string[] = ["none", "chat", "repeater", "room", "sensor"];

export function payloadTypeName(n: number): string {
  return PAYLOAD_TYPES[n] ?? "UNKNOWN";
}
export function routeName(n: number): string {
  return ROUTES[n] ?? "UNKNOWN";
}
export function roleName(n: number): string {
  return ROLES[n] ?? "unknown";
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function toPacketItem(r: PacketRow): PacketItem {
  return {
    id: r.id,
    hash: r.hash,
    raw: toHex(r.raw),
    receivedAt: new Date(r.at).toISOString(),
    radioId: r.radioId,
    payloadType: payloadTypeName(r.payloadType),
    route: routeName(r.route),
    snr: r.snr,
    rssi: r.rssi,
    hashSize: r.hashSize,
    hops: r.hops,
    firstSeen: r.firstSeen,
    summary: r.summary,
    error: r.error,
  };
}

/** Node health from the age of its last hearing (used when no mesh model is wired). */
export type NodeHealth = "active" | "degraded" | "silent";

export function nodeHealth(lastSeen: number, now: number, role: number): NodeHealth {
  // Repeaters advert every few hours; companions much less often.
  const degradedAfter = role === 2 ? 6 * 3600_000 : 24 * 3600_000;
  const silentAfter = role === 2 ? 48 * 3600_000 : 7 * 24 * 3600_000;
  const age = now - lastSeen;
  if (age > silentAfter) return "silent";
  if (age > degradedAfter) return "degraded";
  return "active";
}

export interface NodeItem {
  readonly publicKey: string;
  readonly name: string | null;
  readonly role: string;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly lastAdvert: string;
  readonly advertCount: number;
  readonly health: string;
}

export function toNodeItem(n: NodeRow, now: number, health?: string): NodeItem {
  return {
    publicKey: n.publicKey,
    name: n.name,
    role: roleName(n.role),
    lat: n.lat,
    lon: n.lon,
    firstSeen: new Date(n.firstSeen).toISOString(),
    lastSeen: new Date(n.lastSeen).toISOString(),
    lastAdvert: new Date(n.lastAdvert).toISOString(),
    advertCount: n.advertCount,
    health: health ?? nodeHealth(n.lastSeen, now, n.role),
  };
}
