/** Start a real meshgate HTTP server on a free loopback port for a test. */
import { request } from "node:http";
import { connect } from "node:net";
import { Bus } from "../../../daemon/core/bus.ts";
import { HTTP_SCHEMA } from "../../../daemon/core/http-config-schema.ts";
import { silentLogger } from "../../../daemon/core/log.ts";
import { applyDefaults } from "../../../daemon/core/schema-type.ts";
import type { HttpConfig, HttpDeps } from "../../../daemon/http/context.ts";
import type { EngineName } from "../../../daemon/http/engine.ts";
import { loadBestUws } from "../../../daemon/http/engine-select.ts";
import { createHttpServer, type HttpServer } from "../../../daemon/http/server.ts";
import { FakeStore } from "./fake-store.ts";

/** The http section a test server runs with: loopback, any port, small bodies, the rest schema defaults. */
export function testHttpConfig(engine: EngineName): HttpConfig {
  return applyDefaults(HTTP_SCHEMA, { host: "127.0.0.1", port: 0, engine, maxBodyBytes: 4096 });
}

/** Engines this machine can run; uWS only where its native build loads. */
export const ENGINES: EngineName[] = loadBestUws().ok ? ["uws", "node"] : ["node"];

export interface TestServer {
  readonly server: HttpServer;
  readonly bus: Bus;
  readonly store: FakeStore;
  readonly base: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(
  engine: EngineName,
  opts: Partial<Omit<HttpDeps, "config">> & { config?: Partial<HttpConfig> } = {},
): Promise<TestServer> {
  const bus = opts.bus ?? new Bus();
  const store = (opts.store as FakeStore | undefined) ?? new FakeStore();
  const server = createHttpServer({
    staticDir: null,
    log: silentLogger(),
    version: "9.9.9-test",
    providers: {},
    ...opts,
    bus,
    store,
    config: {
      ...testHttpConfig(engine),
      ...opts.config,
    },
  });
  await server.start();
  const port = server.port();
  return { server, bus, store, port, base: `http://127.0.0.1:${port}`, close: () => server.stop() };
}

/** POST `body` as JSON to `base` + `path`, with any extra headers (a bearer token). */
export const postJson = (
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * One request with the path sent byte for byte (fetch would normalise "..").
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Send bytes on a bare socket and collect what comes back until close or timeout. */
export function rawSocket(port: number, data: string | Buffer, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, "127.0.0.1", () => s.write(data));
    const done = () => {
      s.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    s.on("data", (c) => chunks.push(c));
    s.on("close", done);
    s.on("error", done);
    setTimeout(done, waitMs).unref();
  });
}
