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

/** A field's length in bytes (null: the rest of the packet), label and kind. */
type Field = readonly [len: number | null, label: string, kind: SegmentKind];

/** What the encrypted payloads end with: a MAC, then the ciphertext to the end. */
const MAC_CIPHER: readonly Field[] = [
  [2, "MAC", "mac"],
  [null, "ciphertext", "cipher"],
];
const DEST: Field = [1, "destination hash", "hash"];
const SEALED: readonly Field[] = [DEST, [1, "source hash", "hash"], ...MAC_CIPHER];
const GROUP: readonly Field[] = [[1, "channel hash", "hash"], ...MAC_CIPHER];

/** Each payload type's fields in wire order (an advert's fixed head only: advert() reads on). */
const LAYOUTS: Readonly<Record<number, readonly Field[]>> = {
  0: SEALED,
  1: SEALED,
  2: SEALED,
  3: [[4, "ack checksum", "hash"]],
  4: [
    [32, "public key", "key"],
    [4, "timestamp", "time"],
    [64, "signature", "sig"],
  ],
  5: GROUP,
  6: GROUP,
  7: [DEST, [32, "sender public key", "key"], ...MAC_CIPHER],
  8: SEALED,
  9: [
    [4, "tag", "data"],
    [4, "auth", "data"],
    [1, "flags", "flags"],
    [null, "route hashes", "path"],
  ],
};

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
    if (fields(LAYOUTS[t] ?? [], tk) && t === 4) advert(b, start, tk);
  }

  /** Takes each field in turn (a null length: all that is left); false once one is cut short. */
  function fields(list: readonly Field[], tk: typeof take): boolean {
    for (const [len, label, kind] of list) if (!tk(len ?? n - at, label, kind)) return false;
    return true;
  }

  function advert(b: Uint8Array, start: number, tk: typeof take): void {
    if (start + 100 >= n) return;
    const flags = b[start + 100] ?? 0;
    if (!tk(1, "app flags", "flags", advertRoleName(flags & 15))) return;
    if (flags & 0x10 && !tk(8, "latitude, longitude", "pos")) return;
    if (flags & 0x20 && !tk(2, "feature 1", "data")) return;
    if (flags & 0x40 && !tk(2, "feature 2", "data")) return;
    if (flags & 0x80) tk(n - at, "name", "name");
  }
}
