import { describe, expect, it } from "vitest";
import { hexToBytes, toHex } from "../../daemon/core/bytes.ts";
import {
  channelHash,
  channelMac,
  decryptChannel,
  encryptChannel,
  expandSeed,
  hashtagKey,
  identityFromSeed,
  PUBLIC_CHANNEL_KEY,
  sha256,
  sign,
  signExpanded,
  verify,
} from "../../daemon/protocol/crypto.ts";

const seed = (n: number) => new Uint8Array(32).fill(n);

describe("channel keys (protocol doc section 4)", () => {
  it("derives hashtag keys from SHA-256 of the name incl. '#'", () => {
    expect(toHex(hashtagKey("#test"))).toBe("9cd8fcf22a47333b591d96a2b848b73f");
    expect(toHex(hashtagKey("#bot"))).toBe("eb50a1bcb3e4e5d7bf69a57c9dada211");
    // a bare name gets its '#' added
    expect(toHex(hashtagKey("bot"))).toBe("eb50a1bcb3e4e5d7bf69a57c9dada211");
  });

  it("computes channel hash bytes", () => {
    expect(channelHash(PUBLIC_CHANNEL_KEY)).toBe(0x11);
    expect(channelHash(hashtagKey("#bot"))).toBe(0xca);
    // a 32-byte key with a zero upper half hashes like its 16-byte form
    const padded = new Uint8Array(32);
    padded.set(PUBLIC_CHANNEL_KEY);
    expect(channelHash(padded)).toBe(0x11);
    const full = new Uint8Array(32).fill(7);
    expect(channelHash(full)).toBe(sha256(full)[0]);
  });

  it("decrypts the public-channel vector and rejects a bad MAC", () => {
    // payload of 150011C3C1...: channel hash 11, MAC C3C1, 32 bytes ciphertext
    const body = hexToBytes("C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D");
    const plain = decryptChannel(PUBLIC_CHANNEL_KEY, body);
    expect(plain).not.toBeNull();
    const view = new DataView(plain!.buffer, plain!.byteOffset);
    expect(view.getUint32(0, true)).toBe(1758484279);
    const text = new TextDecoder().decode(plain!.subarray(5)).replace(/\0+$/, "");
    expect(text).toBe("🌲 Tree: ☁️");
    const bad = body.slice();
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(decryptChannel(PUBLIC_CHANNEL_KEY, bad)).toBeNull();
    expect(decryptChannel(hashtagKey("#bot"), body)).toBeNull();
    expect(decryptChannel(PUBLIC_CHANNEL_KEY, body.subarray(0, 10))).toBeNull();
  });

  it("round-trips encryptChannel with a zero-padded last block", () => {
    const key = hashtagKey("#test");
    const msg = new TextEncoder().encode("seventeen bytes!!");
    const sealed = encryptChannel(key, msg);
    expect(sealed.length).toBe(2 + 32);
    expect(toHex(sealed.subarray(0, 2))).toBe(toHex(channelMac(key, sealed.subarray(2))));
    const opened = decryptChannel(key, sealed)!;
    expect(toHex(opened.subarray(0, msg.length))).toBe(toHex(msg));
    expect([...opened.subarray(msg.length)].every((b) => b === 0)).toBe(true);
  });
});

describe("Ed25519", () => {
  it("derives identities deterministically and signs/verifies", () => {
    const a = identityFromSeed(seed(1));
    const b = identityFromSeed(seed(1));
    expect(toHex(a.publicKey)).toBe(toHex(b.publicKey));
    expect(a.publicKey.length).toBe(32);
    const msg = new TextEncoder().encode("hello mesh");
    const sig = sign(a, msg);
    expect(sig.length).toBe(64);
    expect(verify(a.publicKey, msg, sig)).toBe(true);
    expect(verify(identityFromSeed(seed(2)).publicKey, msg, sig)).toBe(false);
    const tampered = sig.slice();
    tampered[10] = (tampered[10] ?? 0) ^ 0x40;
    expect(verify(a.publicKey, msg, tampered)).toBe(false);
  });

  it("never throws on malformed keys or signatures", () => {
    expect(verify(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe(false);
    expect(verify(new Uint8Array(32).fill(0xff), new Uint8Array(1), new Uint8Array(64))).toBe(
      false,
    );
    expect(verify(seed(3), new Uint8Array(1), new Uint8Array(63))).toBe(false);
  });

  it("signs with an expanded (orlp) key, identical to seed signing", () => {
    const id = identityFromSeed(seed(9));
    const msg = new TextEncoder().encode("expanded key");
    const sig = signExpanded(expandSeed(id.seed), id.publicKey, msg);
    expect(verify(id.publicKey, msg, sig)).toBe(true);
    // Ed25519 is deterministic: same scalar + prefix gives the same signature
    expect(toHex(sig)).toBe(toHex(sign(id, msg)));
  });
});
