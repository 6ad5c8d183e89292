/**
 * Wire constants of the MeshCore on-air packet. Numbers from the firmware:
 * src/Packet.h (ROUTE_TYPE_*, PAYLOAD_TYPE_*, PH_* masks) and src/MeshCore.h
 * (MAX_TRANS_UNIT, MAX_PACKET_PAYLOAD, MAX_PATH_SIZE).
 */

export const ROUTE_TRANSPORT_FLOOD = 0;
export const ROUTE_FLOOD = 1;
export const ROUTE_DIRECT = 2;
export const ROUTE_TRANSPORT_DIRECT = 3;

export const ROUTE_NAMES: readonly string[] = [
  "TRANSPORT_FLOOD",
  "FLOOD",
  "DIRECT",
  "TRANSPORT_DIRECT",
];

export const PAYLOAD_REQ = 0x00;
export const PAYLOAD_RESPONSE = 0x01;
export const PAYLOAD_TXT_MSG = 0x02;
export const PAYLOAD_ACK = 0x03;
export const PAYLOAD_ADVERT = 0x04;
export const PAYLOAD_GRP_TXT = 0x05;
export const PAYLOAD_GRP_DATA = 0x06;
export const PAYLOAD_ANON_REQ = 0x07;
export const PAYLOAD_PATH = 0x08;
export const PAYLOAD_TRACE = 0x09;
export const PAYLOAD_MULTIPART = 0x0a;
export const PAYLOAD_CONTROL = 0x0b;
export const PAYLOAD_RAW_CUSTOM = 0x0f;

export const PAYLOAD_NAMES: readonly string[] = [
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

export function payloadTypeName(n: number): string {
  return PAYLOAD_NAMES[n] ?? "UNKNOWN";
}

export function routeName(n: number): string {
  return ROUTE_NAMES[n] ?? "UNKNOWN";
}

/** True for the two route types that carry the 4 transport-code bytes. */
export function hasTransportCodes(route: number): boolean {
  return route === ROUTE_TRANSPORT_FLOOD || route === ROUTE_TRANSPORT_DIRECT;
}

/** MAX_TRANS_UNIT: the whole packet. */
export const MAX_PACKET = 255;
/** MAX_PACKET_PAYLOAD. */
export const MAX_PAYLOAD = 184;
/** MAX_PATH_SIZE, in bytes (hops * hash size). */
export const MAX_PATH = 64;
/** Only payload version 0 (PAYLOAD_VER_1) is parsed by the firmware. */
export const PAYLOAD_VERSION_1 = 0;

export const PUB_KEY_SIZE = 32;
export const SIGNATURE_SIZE = 64;
export const CIPHER_MAC_SIZE = 2;
export const CIPHER_BLOCK_SIZE = 16;
/** Advert app data is at most MAX_ADVERT_DATA_SIZE (src/MeshCore.h). */
export const MAX_ADVERT_DATA = 32;

/** Advert app-data flags (src/helpers/AdvertDataHelpers.h). */
export const ADV_TYPE_MASK = 0x0f;
export const ADV_LATLON = 0x10;
export const ADV_FEAT1 = 0x20;
export const ADV_FEAT2 = 0x40;
export const ADV_NAME = 0x80;

/** CONTROL sub-types (high nibble of the first byte, src/Mesh.cpp / MyMesh.cpp). */
export const CTL_DISCOVER_REQ = 0x80;
export const CTL_DISCOVER_RESP = 0x90;
