/**
 * Strict query-string validation: every route lists the parameters it takes;
 * anything else, or a malformed value, is a 400 that names the parameter.
 */
import { badParam } from "./http-error.ts";

export class Query {
  private readonly values = new Map<string, string>();

  constructor(raw: string, allowed: readonly string[]) {
    let params: URLSearchParams;
    try {
      params = new URLSearchParams(raw);
    } catch {
      throw badParam("query", "malformed query string");
    }
    for (const [k, v] of params) {
      if (!allowed.includes(k)) throw badParam(k, "unknown parameter");
      if (this.values.has(k)) throw badParam(k, "given more than once");
      if (v.length > 512) throw badParam(k, "too long");
      this.values.set(k, v);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  str(
    name: string,
    opts: { max?: number; pattern?: RegExp; what?: string } = {},
  ): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (v.length === 0) throw badParam(name, "must not be empty");
    if (opts.max !== undefined && v.length > opts.max)
      throw badParam(name, `at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v))
      throw badParam(name, `must be ${opts.what ?? opts.pattern.source}`);
    return v;
  }

  int(name: string, min: number, max: number): number | undefined;
  int(name: string, min: number, max: number, dflt: number): number;
  int(name: string, min: number, max: number, dflt?: number): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return dflt;
    if (!/^-?\d{1,15}$/.test(v)) throw badParam(name, "must be an integer");
    const n = Number(v);
    if (n < min || n > max) throw badParam(name, `must be between ${min} and ${max}`);
    return n;
  }

  /** A finite decimal number in [min, max]. */
  num(name: string, min: number, max: number): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(v)) throw badParam(name, "must be a number");
    const n = Number(v);
    if (n < min || n > max) throw badParam(name, `must be between ${min} and ${max}`);
    return n;
  }

  oneOf<T extends string>(name: string, options: readonly T[]): T | undefined;
  oneOf<T extends string>(name: string, options: readonly T[], dflt: T): T;
  oneOf<T extends string>(name: string, options: readonly T[], dflt?: T): T | undefined {
    const v = this.values.get(name);
    if (v === undefined) return dflt;
    if (!(options as readonly string[]).includes(v))
      throw badParam(name, `must be one of ${options.join(", ")}`);
    return v as T;
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    if (v === undefined) return false;
    if (v === "1" || v === "true") return true;
    if (v === "0" || v === "false") return false;
    throw badParam(name, "must be 1, 0, true or false");
  }

  /** ISO-8601 date-time or integer ms since the epoch. */
  time(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    let ms: number;
    if (/^\d{1,15}$/.test(v)) ms = Number(v);
    else if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) ms = Date.parse(v);
    else throw badParam(name, "must be an ISO-8601 time or ms since the epoch");
    if (!Number.isFinite(ms)) throw badParam(name, "is not a valid time");
    return ms;
  }
}

export const HEX16 = /^[0-9a-f]{16}$/;
export const PUBKEY = /^[0-9A-Fa-f]{64}$/;
export const KEY_PREFIX = /^[0-9A-Fa-f]{2,64}$/;
export const RADIO_ID = /^[A-Za-z0-9_.-]{1,32}$/;
