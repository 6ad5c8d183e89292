/**
 * Splits a raw MeshCore packet into labelled byte ranges for the colour-coded
 * breakdown in packet detail. Layout from the firmware's Packet.h / Mesh.cpp
 * (https://github.com/meshcore-dev/MeshCore/blob/main/src/Packet.h):
 * [header][transport codes, routes 0 and 3][path_len][path][payload].
 * Pure and total: a short or odd packet yields an "invalid" tail, never throws.
 */

import { payloadTypeName, routeName } from "../../daemon/protocol/constants.ts";
import { advertRoleName } from "../../daemon/protocol/roles.ts";

export type SegmentKind =
  | "header"
  | "transport"
  | "pathlen"
  | "path"
  | "key"
  | "hash"
  | "mac"
  | "cipher"
  | "time"
  | "sig"
  | "flags"
  | "pos"
  | "name"
  | "data"
  | "invalid";

export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly kind: SegmentKind;
  /** Short decoded value for the legend ("FLOOD ADVERT v0", "3 hops x 1 B"). */
  readonly note?: string;
}

// The wire names come from the daemon's protocol constants (a pure module, bundled as-is).
export {
  PAYLOAD_NAMES as PAYLOAD_TYPES,
  ROUTE_NAMES as ROUTES,
} from "../../daemon/protocol/constants.ts";

export function breakdown(bytes: Uint8Array): Segment[] {
  const segs: Segment[] = [];
  const n = bytes.length;
  let at = 0;
  const take = (len: number, label: string, kind: SegmentKind, note?: string): boolean => {
    if (len <= 0) return true;
    if (at + len > n) {
      if (at < n) segs.push({ start: at, end: n, label: `${label} (truncated)`, kind: "invalid" });
      at = n;
      return false;
    }
    segs.push(
      note === undefined
        ? { start: at, end: at + len, label, kind }
        : { start: at, end: at + len, label, kind, note },
    );
    at += len;
    return true;
  };
  if (n === 0) return segs;
  const header = bytes[0] ?? 0;
  const route = header & 3;
  const type = (header >> 2) & 15;
  const version = header >> 6;
  take(1, "header", "header", `${routeName(route)} ${payloadTypeName(type)} v${version}`);
  if (route === 0 || route === 3) {
    if (!take(4, "transport codes", "transport")) return segs;
  }
  if (at >= n) return segs;
  const pl = bytes[at] ?? 0;
  const hops = pl & 63;
  const size = (pl >> 6) + 1;
  const pathBytes = type === 9 ? hops : hops * size;
  take(1, "path length", "pathlen", type === 9 ? `${hops} SNR bytes` : `${hops} hops x ${size} B`);
  if (!take(pathBytes, type === 9 ? "path SNRs" : "path", "path")) return segs;
  payload(type, bytes, at, take);
  if (at < n) segs.push({ start: at, end: n, label: "payload", kind: "data" });
  return segs;

  function payload(t: number, b: Uint8Array, start: number, tk: typeof take): void {
    const rest = n - start;
    switch (t) {
      case 0:
      case 1:
      case 2:
      case 8:
        tk(1, "destination hash", "hash") &&
          tk(1, "source hash", "hash") &&
          tk(2, "MAC", "mac") &&
          tk(rest - 4, "ciphertext", "cipher");
        return;
      case 3:
        tk(4, "ack checksum", "hash");
        return;
      case 4:
        advert(b, start, tk);
        return;
      case 5:
      case 6:
        tk(1, "channel hash", "hash") &&
          tk(2, "MAC", "mac") &&
          tk(rest - 3, "ciphertext", "cipher");
        return;
      case 7:
        tk(1, "destination hash", "hash") &&
          tk(32, "sender public key", "key") &&
          tk(2, "MAC", "mac") &&
          tk(rest - 35, "ciphertext", "cipher");
        return;
      case 9:
        tk(4, "tag", "data") &&
          tk(4, "auth", "data") &&
          tk(1, "flags", "flags") &&
          tk(rest - 9, "route hashes", "path");
        return;
      default:
        return;
    }
  }

  function advert(b: Uint8Array, start: number, tk: typeof take): void {
    if (!(tk(32, "public key", "key") && tk(4, "timestamp", "time") && tk(64, "signature", "sig")))
      return;
    if (start + 100 >= n) return;
    const flags = b[start + 100] ?? 0;
    if (!tk(1, "app flags", "flags", advertRoleName(flags & 15))) return;
    if (flags & 0x10 && !tk(8, "latitude, longitude", "pos")) return;
    if (flags & 0x20 && !tk(2, "feature 1", "data")) return;
    if (flags & 0x40 && !tk(2, "feature 2", "data")) return;
    if (flags & 0x80) tk(n - at, "name", "name");
  }
}
