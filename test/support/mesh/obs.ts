/** Builders for hand-written observations in mesh model tests. */
import type { MeshAdvert, MeshObservation } from "../../../daemon/mesh/types.ts";

let seq = 0;

/** A 64-hex upper key: `prefix`, then `n` as one byte, then filler. */
export function key(prefix: string, n = 0): string {
  return (prefix + n.toString(16).padStart(2, "0")).toUpperCase().padEnd(64, "7");
}

export function advertOf(publicKey: string, extra: Partial<MeshAdvert> = {}): MeshAdvert {
  return { publicKey, role: 2, lat: null, lon: null, name: null, timestamp: 0, ...extra };
}

export function obs(p: Partial<MeshObservation> & { hops: readonly string[] }): MeshObservation {
  seq++;
  return {
    hash: p.hash ?? seq.toString(16).padStart(16, "0"),
    at: p.at ?? Date.UTC(2026, 4, 1),
    // One radio per key: a radio id stands for one node identity.
    radioId: p.radioId ?? (p.radioKey ? `r-${p.radioKey.slice(0, 8).toLowerCase()}` : "r0"),
    radioKey: p.radioKey === undefined ? null : p.radioKey,
    payloadType: p.payloadType ?? 5,
    route: p.route ?? 1,
    hashSize: p.hashSize ?? 1,
    snr: p.snr ?? null,
    rssi: p.rssi ?? null,
    rawLength: p.rawLength ?? 50,
    firstSeen: p.firstSeen ?? true,
    ...p,
  };
}

/** A flood advert for `a` heard over `hops` (zero-hop when empty). */
export function advertObs(
  a: MeshAdvert,
  hops: readonly string[],
  p: Partial<MeshObservation> = {},
): MeshObservation {
  return obs({ payloadType: 4, advert: a, rawLength: 140, ...p, hops });
}

/** Lower-hex hop of `bytes` bytes for a key. */
export function hopOf(k: string, bytes = 1): string {
  return k.slice(0, bytes * 2).toLowerCase();
}
