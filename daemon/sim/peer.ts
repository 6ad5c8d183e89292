/**
 * Peer-to-peer encryption for simulated direct traffic: the X25519 secret of
 * two Ed25519 identities (src/Identity.cpp calcSharedSecret, orlp
 * ed25519_key_exchange) and the same encrypt-then-MAC as channels with that
 * 32-byte secret (src/Utils.cpp encryptThenMAC). A gateway cannot decrypt
 * these; they are real so that sizes, MACs and entropy look like the air.
 */
import { edwardsToMontgomeryPub, x25519 } from "@noble/curves/ed25519";
import { encryptChannel, expandSeed, sha256 } from "../protocol/crypto.ts";
import type { SimNode } from "./types.ts";

export class PeerCrypto {
  private readonly secrets = new Map<string, Uint8Array>();

  secret(a: SimNode, b: SimNode): Uint8Array {
    const key = a.index < b.index ? `${a.index}:${b.index}` : `${b.index}:${a.index}`;
    let s = this.secrets.get(key);
    if (!s) {
      const scalar = expandSeed(a.seed).subarray(0, 32);
      s = x25519.getSharedSecret(scalar, edwardsToMontgomeryPub(b.publicKey));
      if (this.secrets.size > 4096) this.secrets.clear();
      this.secrets.set(key, s);
    }
    return s;
  }

  /** MAC (2) + ciphertext, ready for buildDirectPayload. */
  seal(from: SimNode, to: SimNode, plain: Uint8Array): { mac: Uint8Array; ciphertext: Uint8Array } {
    const sealed = encryptChannel(this.secret(from, to), plain);
    return { mac: sealed.subarray(0, 2), ciphertext: sealed.subarray(2) };
  }
}

/** ACK checksum: first 4 bytes of SHA-256 over the message and sender key. */
export function ackChecksum(plain: Uint8Array, sender: SimNode): number {
  const h = sha256(plain, sender.publicKey);
  return ((h[0] ?? 0) | ((h[1] ?? 0) << 8) | ((h[2] ?? 0) << 16) | ((h[3] ?? 0) << 24)) >>> 0;
}
