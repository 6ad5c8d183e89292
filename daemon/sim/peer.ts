/**
 * Peer-to-peer encryption for simulated direct traffic: the X25519 secret of
 * two Ed25519 identities (src/Identity.cpp calcSharedSecret, orlp
 * ed25519_key_exchange: the clamped Ed25519 scalar against the peer's key
 * mapped to Montgomery form) and the same encrypt-then-MAC as channels with
 * that 32-byte secret (src/Utils.cpp encryptThenMAC). A gateway cannot
 * decrypt these; they are real so that sizes, MACs and entropy look like the
 * air. Key objects are cached per node, secrets per pair (bounded).
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { edwardsToMontgomeryPub } from "@noble/curves/ed25519";
import { encryptChannel, expandSeed, sha256 } from "../protocol/crypto.ts";
import type { SimNode } from "./types.ts";

const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");
const MAX_SECRETS = 4096;

interface NodeKeys {
  readonly priv: KeyObject;
  readonly pub: KeyObject;
}

export class PeerCrypto {
  private readonly secrets = new Map<string, Uint8Array>();
  private readonly keys = new Map<Uint8Array, NodeKeys>();

  private keysOf(n: SimNode): NodeKeys {
    let k = this.keys.get(n.publicKey);
    if (!k) {
      const scalar = expandSeed(n.seed).subarray(0, 32);
      k = {
        priv: createPrivateKey({
          key: Buffer.concat([PKCS8_X25519, scalar]),
          format: "der",
          type: "pkcs8",
        }),
        pub: createPublicKey({
          key: Buffer.concat([SPKI_X25519, edwardsToMontgomeryPub(n.publicKey)]),
          format: "der",
          type: "spki",
        }),
      };
      this.keys.set(n.publicKey, k);
    }
    return k;
  }

  secret(a: SimNode, b: SimNode): Uint8Array {
    const key = a.index < b.index ? `${a.index}:${b.index}` : `${b.index}:${a.index}`;
    let s = this.secrets.get(key);
    if (!s) {
      s = new Uint8Array(
        diffieHellman({ privateKey: this.keysOf(a).priv, publicKey: this.keysOf(b).pub }),
      );
      if (this.secrets.size >= MAX_SECRETS) this.secrets.clear();
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
