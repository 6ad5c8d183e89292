/**
 * The store benches' synthetic traffic: observations with bytes and hashes as
 * random as real (encrypted, hashed) packets. No imports beyond a type, so the
 * memory probe's bundle stays as small as before. Not a bench (run.ts skips `_`).
 */
import type { ObservationInput } from "../daemon/store/api.ts";

/**
 * Synthetic observation n at `at` from the seeded stream `rand`: a GRP_TXT of
 * 20..180 random bytes. `countedHash` ends the hash in n's low 16 bits, so
 * long runs cannot repeat a hash.
 */
export function randomObservation(
  rand: () => number,
  n: number,
  at: number,
  o: { countedHash?: boolean } = {},
): ObservationInput {
  const len = 20 + Math.floor(rand() * 160);
  const raw = new Uint8Array(len);
  for (let i = 0; i < len; i++) raw[i] = (rand() * 256) | 0;
  // Real hashes are SHA-256 prefixes: random, incompressible.
  let hash = "";
  for (let i = 0; i < 4; i++) hash += ((rand() * 65536) | 0).toString(16).padStart(4, "0");
  return {
    hash: o.countedHash
      ? `${hash.slice(0, 12)}${(n & 0xffff).toString(16).padStart(4, "0")}`
      : hash,
    raw,
    radioId: "r1",
    at,
    snr: Math.round(rand() * 40 - 10) / 4,
    rssi: -40 - Math.floor(rand() * 80),
    payloadType: 5,
    route: 1,
    version: 0,
    hashSize: 1,
    hops: ["a1", "b2"],
    error: null,
    summary: `GRP_TXT #test ${n}`,
  };
}
