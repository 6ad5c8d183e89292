/**
 * A tiny method + path router. Routes are plain data so the OpenAPI test can
 * list them and compare with the published document.
 */
import type { ApiGet } from "./contract/index.ts";
import type { BodyStream, EngineRequest } from "./engine.ts";
import type { Query } from "./params.ts";

export type Method = "GET" | "POST" | "PATCH";

export interface RouteCtx {
  readonly req: EngineRequest;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Query;
  /** Parsed JSON body for routes with `body: true`. */
  readonly body: unknown;
}

/** A non-200 or non-JSON answer from a handler. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Send `body` as-is (a string) instead of JSON-encoding it. */
    readonly raw = false,
  ) {}
}

/** A 200 whose body is streamed (a download too large to hold in memory). */
export class StreamReply {
  constructor(
    readonly headers: Readonly<Record<string, string>>,
    readonly stream: BodyStream,
  ) {}
}

export interface Route {
  readonly method: Method;
  /** OpenAPI-style template: "/api/packets/{hash}". */
  readonly path: string;
  /** Query parameters the route accepts; anything else is a 400. */
  readonly query: readonly string[];
  /** Needs `Authorization: Bearer <http.token>`. */
  readonly auth?: boolean;
  /** Takes a JSON body. */
  readonly body?: boolean;
  handle(ctx: RouteCtx): Promise<unknown>;
}

type Part = { readonly literal: string } | { readonly param: string };

interface Compiled {
  readonly route: Route;
  readonly parts: readonly Part[];
}

export type Match =
  | { readonly kind: "found"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "wrong-method"; readonly allow: readonly Method[] }
  | { readonly kind: "none" };

export class Router {
  private readonly compiled: Compiled[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const parts = route.path
        .split("/")
        .slice(1)
        .map((p) =>
          p.startsWith("{") && p.endsWith("}") ? { param: p.slice(1, -1) } : { literal: p },
        );
      this.compiled.push({ route, parts });
    }
  }

  routes(): readonly Route[] {
    return this.compiled.map((c) => c.route);
  }

  /** `path` is the raw request path (still percent-encoded). */
  match(method: string, path: string): Match {
    const segs = path.split("/").slice(1);
    const allow: Method[] = [];
    for (const c of this.compiled) {
      if (c.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const part = c.parts[i]!;
        const seg = segs[i]!;
        if ("literal" in part) ok = part.literal === seg;
        else {
          try {
            params[part.param] = decodeURIComponent(seg);
          } catch {
            ok = false;
          }
          if (seg === "") ok = false;
        }
      }
      if (!ok) continue;
      if (c.route.method === method) return { kind: "found", route: c.route, params };
      allow.push(c.route.method);
    }
    return allow.length > 0 ? { kind: "wrong-method", allow } : { kind: "none" };
  }
}

/** A GET route whose answer is checked against the API contract. */
export function get<P extends keyof ApiGet>(
  path: P,
  query: readonly string[],
  handle: (ctx: RouteCtx) => Promise<ApiGet[P]>,
): Route {
  return { method: "GET", path, query, handle };
}
