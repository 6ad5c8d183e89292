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
