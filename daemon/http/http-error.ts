import { MeshgateError } from "../core/errors.ts";

/**
 * A request the API refuses. Thrown inside route handlers and turned into a
 * JSON error response by the dispatcher; never escapes the HTTP layer.
 */
export class HttpError extends MeshgateError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly extra: Readonly<Record<string, unknown>>;
  constructor(
    status: number,
    code: string,
    message: string,
    opts: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(code, message);
    this.status = status;
    this.headers = opts.headers ?? {};
    this.extra = opts.extra ?? {};
  }
}

/** 400 naming the parameter at fault. */
export function badParam(param: string, why: string): HttpError {
  return new HttpError(400, "E_BAD_PARAM", `${param}: ${why}`, { extra: { param } });
}

export function notFound(what: string): HttpError {
  return new HttpError(404, "E_NOT_FOUND", `${what} not found`);
}

/** 503 while something is still starting; clients retry after `retryAfterSec`. */
export function unavailable(
  message: string,
  retryAfterSec: number | null,
  extra: Record<string, unknown> = {},
): HttpError {
  const headers: Record<string, string> = {};
  if (retryAfterSec !== null)
    headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterSec)));
  return new HttpError(503, "E_UNAVAILABLE", message, { headers, extra });
}
