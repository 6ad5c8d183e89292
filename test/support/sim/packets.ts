/**
 * Test-side readers for simulated packets, written from the protocol
 * reference (not from the simulator) so the tests check it independently.
 */
import { decryptChannel, verify } from "../../../daemon/protocol/crypto.ts";
import { frameLayout } from "../../../daemon/protocol/hash.ts";

export interface Parsed {
  route: number;
  type: number;
  hashSize: number;
  hops: string[];
  pathBytes: Uint8Array;
  payload: Uint8Array;
}

export function parse(raw: Uint8Array): Parsed {
  const f = frameLayout(raw);
  if (!f) throw new Error(`malformed packet ${Buffer.from(raw).toString("hex")}`);
  const hops: string[] = [];
  for (let i = 0; i < f.hopCount; i++) {
    const at = f.pathOffset + i * f.hashSize;
    hops.push(
      Buffer.from(raw.subarray(at, at + f.hashSize))
        .toString("hex")
        .toUpperCase(),
    );
  }
  return {
    route: f.route,
    type: f.payloadType,
    hashSize: f.hashSize,
    hops,
    pathBytes: raw.subarray(f.pathOffset, f.payloadOffset),
    payload: raw.subarray(f.payloadOffset),
  };
}

export interface Advert {
  publicKey: Uint8Array;
  timestamp: number;
  signature: Uint8Array;
  appData: Uint8Array;
  name: string | null;
  role: number;
}

export function parseAdvert(payload: Uint8Array): Advert {
  const publicKey = payload.subarray(0, 32);
  const timestamp = new DataView(payload.buffer, payload.byteOffset + 32, 4).getUint32(0, true);
  const signature = payload.subarray(36, 100);
  const appData = payload.subarray(100);
  const flags = appData[0] ?? 0;
  let o = 1;
  if (flags & 0x10) o += 8;
  if (flags & 0x20) o += 2;
  if (flags & 0x40) o += 2;
  const name = flags & 0x80 ? new TextDecoder().decode(appData.subarray(o)) : null;
  return { publicKey, timestamp, signature, appData, name, role: flags & 0x0f };
}

/** Whether an advert payload's signature holds over its public key, timestamp and app data. */
export function advertSigned(payload: Uint8Array): boolean {
  const a = parseAdvert(payload);
  const signed = new Uint8Array([...a.publicKey, ...payload.subarray(32, 36), ...a.appData]);
  return verify(a.publicKey, signed, a.signature);
}

/**
 * The "sender: text" of a group text payload (channel hash, MAC, ciphertext)
 * opened with `key`, its timestamp and flags skipped and NUL padding cut;
 * null when the MAC does not hold for that key.
 */
export function channelText(key: Uint8Array, payload: Uint8Array): string | null {
  const plain = decryptChannel(key, payload.subarray(1));
  return plain && new TextDecoder().decode(plain.subarray(5)).replace(/\0+$/, "");
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex").toUpperCase();
}
