/**
 * Turns an engine request into a response: security headers, CORS, routing,
 * strict query validation, bearer auth with a per-IP failure limit, JSON
 * bodies, static files, and errors as JSON that name what was wrong.
 */
import { errorMessage } from "../core/errors.ts";
import { BASEMAP_PATH, basemapOf } from "./basemap.ts";
import type { AppContext } from "./context.ts";
import type { EngineRequest, EngineRequestHead, EngineResponse } from "./engine.ts";
import { HttpError } from "./http-error.ts";
import { Query } from "./params.ts";
import { Reply, type Router, StreamReply } from "./router.ts";
import {
  type AuthRateLimiter,
  bearerToken,
  corsHeaders,
  SECURITY_HEADERS,
  tokenMatches,
  wsOriginAllowed,
} from "./security.ts";
import type { StaticFiles } from "./static.ts";

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

export class RequestHandler {
  constructor(
    private readonly app: AppContext,
    private readonly router: Router,
    private readonly files: StaticFiles,
    private readonly limiter: AuthRateLimiter,
  ) {}

  private baseHeaders(head: EngineRequestHead): Record<string, string> {
    const cors = corsHeaders(head.headers.origin, this.app.deps.config.cors);
    return cors ? { ...SECURITY_HEADERS, ...cors } : { ...SECURITY_HEADERS };
  }

  private json(
    head: EngineRequestHead,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ): EngineResponse {
    this.app.counters.status(status);
    return {
      status,
      headers: { ...this.baseHeaders(head), ...JSON_HEADERS, ...extra },
      body: JSON.stringify(body),
    };
  }

  private error(head: EngineRequestHead, err: HttpError): EngineResponse {
    return this.json(
      head,
      err.status,
      { error: err.message, code: err.code, ...err.extra },
      { ...err.headers },
    );
  }

  tooLarge(head: EngineRequestHead): EngineResponse {
    this.app.counters.requests++;
    this.app.counters.bodyTooLarge++;
    const max = this.app.deps.config.maxBodyBytes;
    return this.error(head, new HttpError(413, "E_TOO_LARGE", `body: larger than ${max} bytes`));
  }

  /** null accepts the upgrade. */
  wsUpgrade(head: EngineRequestHead): EngineResponse | null {
    if (!wsOriginAllowed(head.headers.origin, head.headers.host, this.app.deps.config.cors)) {
      this.app.counters.requests++;
      return this.error(head, new HttpError(403, "E_ORIGIN", "origin: not allowed to open /ws"));
    }
    return null;
  }

  async handle(req: EngineRequest): Promise<EngineResponse> {
    this.app.counters.requests++;
    if (req.method === "HEAD") {
      // Monitors probe with HEAD: same answer as GET, without the body.
      const { stream, ...r } = await this.handle({ ...req, method: "GET" });
      this.app.counters.requests--;
      stream?.close();
      const length = stream
        ? stream.length
        : typeof r.body === "string"
          ? Buffer.byteLength(r.body)
          : r.body.byteLength;
      return { ...r, body: "", headLength: length };
    }
    try {
      return await this.dispatch(req);
    } catch (err) {
      if (err instanceof HttpError) return this.error(req, err);
      this.app.counters.serverErrors++;
      this.app.deps.log.error("request failed", {
        method: req.method,
        path: req.path.slice(0, 200),
        err: errorMessage(err),
      });
      return this.json(req, 500, { error: "internal error", code: "E_INTERNAL" });
    }
  }

  private async dispatch(req: EngineRequest): Promise<EngineResponse> {
    const isApi = req.path.startsWith("/api/") || req.path === "/api" || req.path === "/metrics";
    if (req.method === "OPTIONS") {
      // Preflight: allowed only for configured origins (the CORS headers say so).
      this.app.counters.status(204);
      return { status: 204, headers: this.baseHeaders(req), body: "" };
    }
    if (!isApi) {
      if (req.path === "/ws")
        throw new HttpError(426, "E_UPGRADE", "/ws: WebSocket upgrade required");
      if (req.method !== "GET")
        throw new HttpError(405, "E_METHOD", `${req.method} not allowed`, {
          headers: { allow: "GET" },
        });
      if (req.path === BASEMAP_PATH) {
        const tiles = await basemapOf(this.app.deps).serve(
          req.headers.range,
          this.baseHeaders(req),
        );
        this.app.counters.status(tiles.status);
        return tiles;
      }
      const r = await this.files.serve(
        req.path,
        this.baseHeaders(req),
        req.headers["accept-encoding"],
      );
      this.app.counters.status(r.status);
      return r;
    }
    const m = this.router.match(req.method, req.path);
    if (m.kind === "none")
      throw new HttpError(404, "E_NOT_FOUND", `${req.path.slice(0, 100)}: no such endpoint`);
    if (m.kind === "wrong-method") {
      throw new HttpError(405, "E_METHOD", `${req.method} not allowed`, {
        headers: { allow: m.allow.join(", ") },
      });
    }
    const query = new Query(req.query, m.route.query);
    if (m.route.auth) this.authorize(req);
    const body = m.route.body ? parseJsonBody(req) : undefined;
    const result = await m.route.handle({ req, params: m.params, query, body });
    return this.reply(req, result);
  }

  private reply(req: EngineRequest, result: unknown): EngineResponse {
    if (result instanceof StreamReply) {
      this.app.counters.status(200);
      return {
        status: 200,
        headers: { ...this.baseHeaders(req), "cache-control": "no-store", ...result.headers },
        body: "",
        stream: result.stream,
      };
    }
    if (!(result instanceof Reply)) return this.json(req, 200, result);
    if (!result.raw) return this.json(req, result.status, result.body, { ...result.headers });
    this.app.counters.status(result.status);
    return {
      status: result.status,
      headers: { ...this.baseHeaders(req), "cache-control": "no-store", ...result.headers },
      body: String(result.body),
    };
  }

  private authorize(req: EngineRequest): void {
    const token = this.app.deps.config.token;
    // The admin credential claimed from the browser works like http.token.
    const admin = this.app.deps.providers?.admin;
    if (!token && !admin?.claimed()) {
      throw new HttpError(
        403,
        "E_ACTIONS_DISABLED",
        "actions are disabled: claim the gateway (setup page) or set http.token in the config",
      );
    }
    const ip = req.remoteAddress;
    const wait = this.limiter.retryAfterSec(ip);
    if (wait > 0) {
      this.app.counters.authThrottled++;
      throw new HttpError(429, "E_RATE_LIMITED", "too many failed authentications; retry later", {
        headers: { "retry-after": String(wait) },
      });
    }
    const presented = bearerToken(req.headers.authorization);
    const ok =
      presented !== null &&
      ((token !== null && tokenMatches(presented, token)) || admin?.verify(presented) === true);
    if (!ok) {
      this.limiter.fail(ip);
      this.app.counters.authFailures++;
      throw new HttpError(
        401,
        "E_UNAUTHORIZED",
        "authorization: a valid Bearer token is required",
        {
          headers: { "www-authenticate": 'Bearer realm="meshgate"' },
        },
      );
    }
  }
}

function parseJsonBody(req: EngineRequest): unknown {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new HttpError(415, "E_MEDIA_TYPE", "content-type: must be application/json");
  }
  if (!req.body || req.body.length === 0)
    throw new HttpError(400, "E_BAD_BODY", "body: a JSON object is required");
  let v: unknown;
  try {
    v = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new HttpError(400, "E_BAD_BODY", "body: not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new HttpError(400, "E_BAD_BODY", "body: must be a JSON object");
  }
  return v;
}
