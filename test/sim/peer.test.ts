import { edwardsToMontgomeryPub, x25519 } from "@noble/curves/ed25519";
import { describe, expect, it } from "vitest";
import { expandSeed, identityFromSeed } from "../../daemon/protocol/crypto.ts";
import { PeerCrypto } from "../../daemon/sim/peer.ts";
import type { SimNode } from "../../daemon/sim/types.ts";

function node(index: number, fill: number): SimNode {
  const id = identityFromSeed(new Uint8Array(32).fill(fill));
  return {
    index,
    name: `n${index}`,
    role: "chat",
    lat: 0,
    lon: 0,
    elevated: false,
    publicKey: id.publicKey,
    publicKeyHex: Buffer.from(id.publicKey).toString("hex").toUpperCase(),
    seed: id.seed,
    hashSize: 1,
  };
}

describe("PeerCrypto", () => {
  it("derives the same X25519 secret from both sides, equal to the reference ladder", () => {
    const a = node(1, 1);
    const b = node(2, 2);
    const p = new PeerCrypto();
    const ab = p.secret(a, b);
    const ba = new PeerCrypto().secret(b, a);
    expect(Buffer.from(ab).toString("hex")).toBe(Buffer.from(ba).toString("hex"));
    const ref = x25519.getSharedSecret(
      expandSeed(a.seed).subarray(0, 32),
      edwardsToMontgomeryPub(b.publicKey),
    );
    expect(Buffer.from(ab).toString("hex")).toBe(Buffer.from(ref).toString("hex"));
    const sealed = p.seal(a, b, new TextEncoder().encode("hi"));
    expect(sealed.mac).toHaveLength(2);
    expect(sealed.ciphertext).toHaveLength(16);
  });
});
