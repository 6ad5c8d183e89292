/**
 * LetsMesh-style tokens: signed with the radio's node key over
 * `header.claims`, checked here with the radio's public key (our own verify
 * and the meshcore-decoder reference), renewed before they expire.
 */
import { verifyAuthToken } from "@michaelhart/meshcore-decoder";
import { describe, expect, it } from "vitest";
import {
  createToken,
  parseToken,
  TokenError,
  TokenSource,
  type TokenSourceOptions,
} from "../../daemon/mqtt/token.ts";
import { expandSeed, signExpanded, verify } from "../../daemon/protocol/crypto.ts";
import { RADIO_IDENTITY, RADIO_KEY, RADIO_SEED, testSigner } from "../support/mqtt/fixtures.ts";

const enc = new TextEncoder();

function checkSignature(password: string): boolean {
  const t = parseToken(password);
  if (!t) return false;
  return verify(RADIO_IDENTITY.publicKey, enc.encode(t.signingInput), t.signature);
}

describe("createToken", () => {
  const claims = {
    publicKey: RADIO_KEY.toLowerCase(),
    iat: 1_790_000_000,
    exp: 1_790_003_600,
    aud: "mqtt-us-v1.letsmesh.net",
    client: "meshgate/0.1.0",
  };

  it("is v1_<KEY> / header.claims.<upper-hex Ed25519 signature> by the radio's key", async () => {
    const t = await createToken(testSigner, claims);
    expect(t.username).toBe(`v1_${RADIO_KEY}`);
    const parts = t.password.split(".");
    expect(parts).toHaveLength(3);
    expect(parts[2]).toMatch(/^[0-9A-F]{128}$/);
    const p = parseToken(t.password);
    expect(p?.header).toEqual({ alg: "Ed25519", typ: "JWT" });
    expect(p?.claims).toEqual({ ...claims, publicKey: RADIO_KEY });
    expect(checkSignature(t.password)).toBe(true);
  });

  it("verifies with the expanded-key signer the companion export needs", async () => {
    const expanded = expandSeed(RADIO_SEED);
    const signer = async (m: Uint8Array) => signExpanded(expanded, RADIO_IDENTITY.publicKey, m);
    const t = await createToken(signer, claims);
    expect(checkSignature(t.password)).toBe(true);
  });

  it("fails verification when the claims are altered or another key signed", async () => {
    const t = await createToken(testSigner, claims);
    const [h, , s] = t.password.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...claims, publicKey: RADIO_KEY, exp: claims.exp + 86400 }),
    ).toString("base64url");
    expect(checkSignature(`${h}.${forged}.${s}`)).toBe(false);
    const other = await createToken(async () => new Uint8Array(64).fill(7), claims);
    expect(checkSignature(other.password)).toBe(false);
  });

  it("is accepted by the reference verifier brokers use", async () => {
    const now = Math.floor(Date.now() / 1000);
    const t = await createToken(testSigner, { ...claims, iat: now, exp: now + 3600 });
    const payload = await verifyAuthToken(t.password, RADIO_KEY);
    expect(payload?.publicKey).toBe(RADIO_KEY);
    expect(payload?.aud).toBe(claims.aud);
  });

  it("turns a broken signer into a TokenError", async () => {
    await expect(createToken(async () => new Uint8Array(10), claims)).rejects.toBeInstanceOf(
      TokenError,
    );
    await expect(
      createToken(async () => {
        throw new Error("radio busy");
      }, claims),
    ).rejects.toBeInstanceOf(TokenError);
    await expect(createToken(testSigner, { ...claims, publicKey: "abcd" })).rejects.toBeInstanceOf(
      TokenError,
    );
  });

  it("rejects malformed tokens in parseToken", () => {
    expect(parseToken("a.b")).toBeNull();
    expect(parseToken("a.b.zz")).toBeNull();
    expect(parseToken(`!!.??.${"A".repeat(128)}`)).toBeNull();
  });
});

describe("TokenSource renewal (injected clock)", () => {
  /** A source signing with the test radio's key on the clock `now`. */
  const source = (now: () => number, more: Partial<TokenSourceOptions> = {}) =>
    new TokenSource({
      signer: testSigner,
      publicKey: RADIO_KEY,
      audience: "broker.example",
      client: "meshgate/test",
      now,
      ...more,
    });

  it("keeps a token until renewBeforeSec before exp, then mints a fresh one before expiry", async () => {
    let now = 1_790_000_000_000;
    const src = source(() => now);
    const t1 = await src.current();
    expect(t1.claims.exp - t1.claims.iat).toBe(3600);
    expect(src.msUntilRenewal()).toBe((3600 - 300) * 1000);

    now += (3600 - 300 - 1) * 1000; // one second before the renewal point
    expect(await src.current()).toBe(t1);
    expect(src.msUntilRenewal()).toBe(1000);

    now += 1000; // renewal point: 300 s before t1 expires
    const t2 = await src.current();
    expect(t2).not.toBe(t1);
    expect(Math.floor(now / 1000)).toBeLessThan(t1.claims.exp); // renewed before expiry
    expect(t2.claims.iat).toBe(Math.floor(now / 1000));
    expect(t2.claims.exp).toBe(t2.claims.iat + 3600);
    expect(checkSignature(t2.password)).toBe(true);
    expect(src.minted).toBe(2);
  });

  it("never schedules renewal for less than half the lifetime", async () => {
    let now = 0;
    const src = source(() => now, { ttlSec: 100, renewBeforeSec: 500 });
    await src.current();
    expect(src.msUntilRenewal()).toBe(50_000);
    now = 49_000;
    await src.current();
    expect(src.minted).toBe(1);
  });
});
