/**
 * Safe defaults: security headers on every answer, constant-time bearer
 * tokens, a per-IP limit on failed authentications, and CORS only for origins
 * the operator lists.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Method } from "./router.ts";

/**
 * No inline scripts; map tiles may come from any https server (the operator
 * picks the tile source). No inline styles either: the map and chart
 * libraries set positions through the CSSOM, which CSP allows.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Compare a presented bearer token with the configured one in constant time.
 * Hashing first makes both sides the same length, so the comparison leaks
 * neither content nor length.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+([^\s]{1,512})\s*$/i.exec(header);
  return m?.[1] ?? null;
}

export interface RateLimitOptions {
  /** Failures allowed per window before blocking. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Tracked addresses; the oldest entry is forgotten past it (bounded memory). */
  readonly maxEntries: number;
}

/** Counts authentication failures per remote address in a fixed window. */
export class AuthRateLimiter {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();
  blocked = 0;

  constructor(
    private readonly opts: RateLimitOptions = {
      maxFailures: 5,
      windowMs: 60_000,
      maxEntries: 4096,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `ip` may try again, or 0 when it may try now. */
  retryAfterSec(ip: string): number {
    const e = this.entries.get(ip);
    if (!e) return 0;
    const t = this.now();
    if (t >= e.resetAt) {
      this.entries.delete(ip);
      return 0;
    }
    if (e.count < this.opts.maxFailures) return 0;
    this.blocked++;
    return Math.ceil((e.resetAt - t) / 1000);
  }

  fail(ip: string): void {
    const t = this.now();
    let e = this.entries.get(ip);
    if (!e || t >= e.resetAt) {
      this.entries.delete(ip);
      e = { count: 0, resetAt: t + this.opts.windowMs };
      this.entries.set(ip, e);
      if (this.entries.size > this.opts.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    e.count++;
  }

  size(): number {
    return this.entries.size;
  }
}

/**
 * Every method a route can have: a Record over `Method` so adding one to the
 * router without listing it here fails to compile (PATCH /api/config was once
 * missing and browsers refused the preflight).
 */
const ROUTE_METHODS: Readonly<Record<Method, true>> = { GET: true, POST: true, PATCH: true };
const CORS_METHODS = [...Object.keys(ROUTE_METHODS), "OPTIONS"].join(", ");

/** CORS headers for an allowed origin, or null (no CORS unless configured). */
export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> | null {
  if (!origin || allowed.length === 0) return null;
  if (!allowed.includes("*") && !allowed.includes(origin)) return null;
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-allow-methods": CORS_METHODS,
    "access-control-allow-headers": "authorization, content-type",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/**
 * A browser page from another site must not open /ws behind the user's back
 * (WebSockets bypass CORS). Same host or a configured CORS origin only;
 * clients without an Origin header (scripts, Home Assistant) are fine.
 */
export function wsOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
