/**
 * MeshCore cryptography used by the codec: SHA-256, channel keys, the channel
 * MAC + AES-128-ECB cipher (src/Utils.cpp encryptThenMAC / MACThenDecrypt) and
 * Ed25519 for advert signatures. Pure functions over node:crypto; the only
 * state is a bounded cache of verify keys passed in explicitly or kept per
 * verifier instance.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519";
import { hexToBytes, toHex } from "../core/bytes.ts";

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Key of a hashtag channel: the first 16 bytes of SHA-256 of the name incl. '#'. */
export function hashtagKey(name: string): Uint8Array {
  const full = name.startsWith("#") ? name : `#${name}`;
  return sha256(new TextEncoder().encode(full)).subarray(0, 16);
}

/** The well-known public channel (examples/companion_radio/MyMesh.cpp PUBLIC_GROUP_PSK). */
export const PUBLIC_CHANNEL_KEY: Uint8Array = hexToBytes("8b3387e9c5cdea6ac9e5edbaa115cd72");

function isUpperHalfZero(key: Uint8Array): boolean {
  if (key.length <= 16) return true;
  for (let i = 16; i < key.length; i++) if (key[i] !== 0) return false;
  return true;
}

/**
 * Channel hash byte: SHA-256 of the key, first byte. The firmware hashes 16
 * bytes for 128-bit keys and all 32 when the upper half is set
 * (src/helpers/BaseChatMesh.cpp setChannel).
 */
export function channelHash(key: Uint8Array): number {
  const material = isUpperHalfZero(key) ? key.subarray(0, 16) : key.subarray(0, 32);
  return sha256(material)[0] ?? 0;
}

/** The 32-byte HMAC secret: the key zero-extended to 32 bytes (src/Utils.cpp). */
function macSecret(key: Uint8Array): Uint8Array {
  const secret = new Uint8Array(32);
  secret.set(key.subarray(0, 32));
  return secret;
}

/** First 2 bytes of HMAC-SHA256(key || zeros, ciphertext). */
export function channelMac(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const mac = createHmac("sha256", macSecret(key)).update(ciphertext).digest();
  return new Uint8Array(mac.subarray(0, 2));
}

/** MAC(2) + AES-128-ECB(plaintext, zero-padded to 16). */
export function encryptChannel(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.max(16, Math.ceil(plaintext.length / 16) * 16));
  padded.set(plaintext);
  const cipher = createCipheriv("aes-128-ecb", key.subarray(0, 16), null);
  cipher.setAutoPadding(false);
  const ct = Buffer.concat([cipher.update(padded), cipher.final()]);
  const out = new Uint8Array(2 + ct.length);
  out.set(channelMac(key, ct), 0);
  out.set(ct, 2);
  return out;
}

/** Plaintext (still zero-padded) or null when the MAC does not match / sizes are wrong. */
export function decryptChannel(key: Uint8Array, macAndCiphertext: Uint8Array): Uint8Array | null {
  // a key shorter than AES-128's would make node:crypto throw: it can match nothing
  if (key.length < 16 || macAndCiphertext.length < 2 + 16) return null;
  const ct = macAndCiphertext.subarray(2);
  if (ct.length % 16 !== 0) return null;
  const mac = createHmac("sha256", macSecret(key)).update(ct).digest();
  if (mac[0] !== macAndCiphertext[0] || mac[1] !== macAndCiphertext[1]) return null;
  const decipher = createDecipheriv("aes-128-ecb", key.subarray(0, 16), null);
  decipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(ct), decipher.final()]));
}

export interface Identity {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** 32-byte seed it was derived from. */
  readonly seed: Uint8Array;
}

const PKCS8_ED25519_PREFIX = hexToBytes("302e020100300506032b657004220420");
const SPKI_ED25519_PREFIX = hexToBytes("302a300506032b6570032100");

function privateKeyObject(seed: Uint8Array): KeyObject {
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

/** Deterministic Ed25519 identity from a 32-byte seed. */
export function identityFromSeed(seed: Uint8Array): Identity {
  if (seed.length !== 32) throw new RangeError(`seed must be 32 bytes, got ${seed.length}`);
  const pub = createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
  return {
    publicKey: new Uint8Array(pub.subarray(pub.length - 32)),
    seed: new Uint8Array(seed),
  };
}

/** Signing keys per identity object: building a KeyObject costs more than the signature. */
const signKeys = new WeakMap<Identity, KeyObject>();

export function sign(identity: Identity, msg: Uint8Array): Uint8Array {
  let key = signKeys.get(identity);
  if (!key) {
    key = privateKeyObject(identity.seed);
    signKeys.set(identity, key);
  }
  return new Uint8Array(nodeSign(null, msg, key));
}

const VERIFY_CACHE_MAX = 1024;
const verifyKeys = new Map<string, KeyObject | null>();

function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  const id = toHex(publicKey);
  const hit = verifyKeys.get(id);
  if (hit !== undefined) {
    // Refresh recency: Map keeps insertion order, so this is an LRU.
    verifyKeys.delete(id);
    verifyKeys.set(id, hit);
    return hit;
  }
  let key: KeyObject | null = null;
  try {
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: "der",
      type: "spki",
    });
  } catch {
    key = null; // not a point on the curve: every signature is invalid
  }
  if (verifyKeys.size >= VERIFY_CACHE_MAX) {
    const oldest = verifyKeys.keys().next().value;
    if (oldest !== undefined) verifyKeys.delete(oldest);
  }
  verifyKeys.set(id, key);
  return key;
}

/** Ed25519 verify; false (never throws) on malformed keys or signatures. */
export function verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (publicKey.length !== 32 || sig.length !== 64) return false;
  const key = publicKeyObject(publicKey);
  if (key === null) return false;
  try {
    return nodeVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0);
  return n;
}

function bigintTo32Le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function sha512ModL(...parts: Uint8Array[]): bigint {
  const h = createHash("sha512");
  for (const p of parts) h.update(p);
  return leToBigint(new Uint8Array(h.digest())) % L;
}

/**
 * Sign with a 64-byte "expanded" orlp key (clamped scalar 32 + prefix 32), the
 * form the companion firmware exports (EXPORT_PRIVATE_KEY). node:crypto only
 * takes seeds, so this does the RFC 8032 steps with noble's point math.
 */
export function signExpanded(
  privateKey64: Uint8Array,
  publicKey32: Uint8Array,
  msg: Uint8Array,
): Uint8Array {
  if (privateKey64.length !== 64) throw new RangeError("expanded private key must be 64 bytes");
  if (publicKey32.length !== 32) throw new RangeError("public key must be 32 bytes");
  const a = leToBigint(privateKey64.subarray(0, 32)) % L;
  const prefix = privateKey64.subarray(32, 64);
  const r = sha512ModL(prefix, msg);
  const R = ed25519.Point.BASE.multiplyUnsafe(r).toBytes();
  const k = sha512ModL(R, publicKey32, msg);
  const s = (r + k * a) % L;
  const sig = new Uint8Array(64);
  sig.set(R, 0);
  sig.set(bigintTo32Le(s), 32);
  return sig;
}

/** The expanded form of a seed (SHA-512, clamped), e.g. to test signExpanded. */
export function expandSeed(seed: Uint8Array): Uint8Array {
  const h = new Uint8Array(createHash("sha512").update(seed).digest());
  h[0] = (h[0] ?? 0) & 248;
  h[31] = ((h[31] ?? 0) & 127) | 64;
  return h;
}
