/**
 * Structured, levelled logging with a per-module namespace. Text format is
 * journald-friendly: a `<N>` syslog priority prefix when running under
 * systemd (JOURNAL_STREAM set), no timestamps there since journald adds them.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SYSLOG: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level: LogLevel;
  format: "text" | "json";
  journald?: boolean;
  sink?: LogSink;
}

/** Keys whose values are never printed (public keys are not secrets). */
function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return !k.startsWith("public") && /pass|secret|token|private|key$/.test(k);
}

/** scheme://[userinfo@]rest[?query]: the parts of a URL that can carry a secret. */
const URL_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#\s@]*@)?([^\s?#]*)(\?[^\s#]*)?/gi;

/**
 * Masks the credentials a URL can carry: the whole user info
 * (`mqtt://user:pass@host` -> `mqtt://***@host`) and every query value
 * (`?token=abc` -> `?token=***`), for every URL inside `text`. The one
 * place config show, the API and the logs hide URL secrets.
 */
export function redactUrl(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(
    URL_RE,
    (_m, scheme: string, user: string | undefined, rest: string, q?: string) => {
      const query = q ? q.replace(/=[^&]*/g, "=***") : "";
      return `${scheme}${user ? "***@" : ""}${rest}${query}`;
    },
  );
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      isSecretKey(k) && v !== null && v !== undefined && v !== "" ? "***" : redact(v, depth + 1);
  }
  return out;
}

export class Logger {
  private readonly opts: Required<LoggerOptions>;
  constructor(
    readonly ns: string,
    opts: LoggerOptions,
  ) {
    this.opts = {
      journald: opts.journald ?? Boolean(process.env.JOURNAL_STREAM),
      sink: opts.sink ?? { write: (l) => process.stderr.write(`${l}\n`) },
      ...opts,
    } as Required<LoggerOptions>;
  }

  child(ns: string): Logger {
    return new Logger(`${this.ns}:${ns}`, this.opts);
  }

  setLevel(level: LogLevel): void {
    this.opts.level = level;
  }

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.opts.level];
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log("error", msg, fields);
  }

  private log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    // An absent value is left out, never printed as `error=undefined`.
    const present = fields
      ? Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
      : undefined;
    const safe = present ? (redact(present) as Record<string, unknown>) : undefined;
    if (this.opts.format === "json") {
      this.opts.sink.write(
        JSON.stringify({ t: new Date().toISOString(), level, ns: this.ns, msg, ...safe }),
      );
      return;
    }
    const extra =
      safe && Object.keys(safe).length > 0
        ? ` ${Object.entries(safe)
            .map(([k, v]) => `${k}=${typeof v === "string" ? JSON.stringify(v) : stringify(v)}`)
            .join(" ")}`
        : "";
    const prefix = this.opts.journald
      ? `<${SYSLOG[level]}>`
      : `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} `;
    this.opts.sink.write(`${prefix}[${this.ns}] ${msg}${extra}`);
  }
}

function stringify(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A logger that drops everything (for tests and benches). */
export function silentLogger(): Logger {
  return new Logger("test", { level: "error", format: "text", sink: { write: () => {} } });
}
