/**
 * Tests describe packets in the API shape they expect back; the bus carries
 * the domain record. This builds the record a PacketItem was formatted from.
 */
import type { PacketItem, StoredPacket } from "../../../daemon/core/types.ts";
import { PAYLOAD_NAMES, ROUTE_NAMES } from "../../../daemon/protocol/constants.ts";

export function storedPacket(item: PacketItem): StoredPacket {
  const raw = Uint8Array.from(Buffer.from(item.raw, "hex"));
  return {
    id: item.id,
    hash: item.hash,
    raw,
    radioId: item.radioId,
    at: Date.parse(item.receivedAt),
    snr: item.snr,
    rssi: item.rssi,
    payloadType: PAYLOAD_NAMES.indexOf(item.payloadType),
    route: ROUTE_NAMES.indexOf(item.route),
    version: (raw[0] ?? 0) >> 6,
    hashSize: item.hashSize,
    hops: item.hops,
    firstSeen: item.firstSeen,
    summary: item.summary,
    error: item.error,
  };
}
