/**
 * LetsMesh-style broker tokens: a JWT-shaped string whose signature is
 * Ed25519 by the observer's own node key, hex instead of base64url:
 * `base64url(header).base64url(claims).<signature upper hex>`; the MQTT
 * username is `v1_<PUBKEY>`. Brokers check the signature against the key in
 * the claims and that it matches the `origin_id` of what we publish.
 */
import { hexToBytes, toHex } from "../core/bytes.ts";
import { MeshgateError } from "../core/errors.ts";
import type { Now, Signer } from "./ports.ts";

export interface TokenClaims {
  readonly publicKey: string;
  readonly iat: number;
  readonly exp: number;
  readonly aud: string;
  readonly client: string;
  readonly owner?: string;
  readonly email?: string;
}

export interface Token {
  readonly username: string;
  readonly password: string;
  readonly claims: TokenClaims;
}

export class TokenError extends MeshgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_MQTT_TOKEN", message, options);
  }
}

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}

/** Sign a fresh token. The signer gets the UTF-8 bytes of `header.claims`. */
export async function createToken(signer: Signer, claims: TokenClaims): Promise<Token> {
  const publicKey = claims.publicKey.toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(publicKey))
    throw new TokenError("token: public key must be 32 bytes of hex");
  const body: TokenClaims = { ...claims, publicKey };
  const signingInput = `${b64url(JSON.stringify({ alg: "Ed25519", typ: "JWT" }))}.${b64url(JSON.stringify(body))}`;
  let sig: Uint8Array;
  try {
    sig = await signer(new TextEncoder().encode(signingInput));
  } catch (err) {
    throw new TokenError("token: signing failed", { cause: err });
  }
  if (sig.length !== 64)
    throw new TokenError(`token: signer returned ${sig.length} bytes, want 64`);
  return {
    username: `v1_${publicKey}`,
    password: `${signingInput}.${toHex(sig, true)}`,
    claims: body,
  };
}

/** Split a token into its parts (no verification); null when malformed. */
export function parseToken(
  password: string,
): { header: unknown; claims: TokenClaims; signingInput: string; signature: Uint8Array } | null {
  const parts = password.split(".");
  if (parts.length !== 3) return null;
  const [h, c, s] = parts as [string, string, string];
  if (!/^[0-9A-Fa-f]{128}$/.test(s)) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")),
      claims: JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as TokenClaims,
      signingInput: `${h}.${c}`,
      signature: hexToBytes(s),
    };
  } catch {
    return null;
  }
}

export interface TokenSourceOptions {
  readonly signer: Signer;
  readonly publicKey: string;
  readonly audience: string;
  readonly client: string;
  readonly owner?: string;
  readonly email?: string;
  readonly ttlSec?: number;
  readonly renewBeforeSec?: number;
  readonly now: Now;
}

/**
 * Hands out the current token and mints a new one once the old one is within
 * `renewBeforeSec` of expiry, so a (re)connect never presents a stale token.
 */
export class TokenSource {
  private token: Token | null = null;
  readonly ttlSec: number;
  readonly renewBeforeSec: number;
  minted = 0;

  constructor(private readonly opts: TokenSourceOptions) {
    this.ttlSec = opts.ttlSec ?? 3600;
    // Never renew so early that a token is replaced as soon as it is made.
    this.renewBeforeSec = Math.min(opts.renewBeforeSec ?? 300, Math.floor(this.ttlSec / 2));
  }

  /** The token to connect with now (minting one when none is fresh enough). */
  async current(): Promise<Token> {
    const nowSec = Math.floor(this.opts.now() / 1000);
    if (this.token && nowSec < this.token.claims.exp - this.renewBeforeSec) return this.token;
    const claims: TokenClaims = {
      publicKey: this.opts.publicKey,
      iat: nowSec,
      exp: nowSec + this.ttlSec,
      aud: this.opts.audience,
      client: this.opts.client,
      ...(this.opts.owner ? { owner: this.opts.owner } : {}),
      ...(this.opts.email ? { email: this.opts.email } : {}),
    };
    this.token = await createToken(this.opts.signer, claims);
    this.minted++;
    return this.token;
  }

  /** ms from now until the current token must be replaced (0 when it already must). */
  msUntilRenewal(): number {
    if (!this.token) return 0;
    const due = (this.token.claims.exp - this.renewBeforeSec) * 1000;
    return Math.max(0, due - this.opts.now());
  }
}
