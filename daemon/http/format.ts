/**
 * Store rows to API shapes. Names follow the firmware's constants
 * (https://github.com/meshcore-dev/MeshCore/blob/main/src/Packet.h).
 */

import { toHex } from "../core/bytes.ts";
import type { PacketItem } from "../core/types.ts";
import { payloadTypeName, routeName } from "../protocol/constants.ts";
import type { PacketRow } from "../store/api.ts";

export {
  PAYLOAD_NAMES as PAYLOAD_TYPES,
  payloadTypeName,
  ROUTE_NAMES as ROUTES,
  routeName,
} from "../protocol/constants.ts";
export { roleName } from "../protocol/roles.ts";

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

/** Node status names, as the mesh model reports them. */
export type NodeStatus = "healthy" | "degraded" | "silent";

/**
 * Status from the age of the last hearing, used only when no mesh model is
 * wired. Repeaters and rooms flood an advert every 12 h by default
 * (examples/simple_repeater/MyMesh.cpp), so two missed adverts mean silent;
 * companions advert only when their user asks.
 */
export function nodeStatus(lastHeard: number, now: number, role: number): NodeStatus {
  const infra = role === 2 || role === 3;
  const degradedAfter = infra ? 6 * 3600_000 : 3 * 86_400_000;
  const silentAfter = infra ? 25 * 3600_000 : 14 * 86_400_000;
  const age = now - lastHeard;
  if (age > silentAfter) return "silent";
  if (age > degradedAfter) return "degraded";
  return "healthy";
}
