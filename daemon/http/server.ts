/**
 * createHttpServer: the API, /ws and the web UI on one port, on uWS where its
 * native build loads and on node:http + ws everywhere else.
 */
import type { Service } from "../core/service.ts";
import { TrafficTally } from "../mesh/analytics.ts";
import type { AppContext, HttpDeps } from "./context.ts";
import { HttpCounters } from "./context.ts";
import type { EngineHandlers, EngineName, HttpEngine } from "./engine.ts";
import { createNodeEngine } from "./engine-node.ts";
import { loadBestUws } from "./engine-select.ts";
import { createUwsEngine } from "./engine-uws.ts";
import { payloadTypeName } from "./format.ts";
import { RequestHandler } from "./handler.ts";
import { Metrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { observedFromRow } from "./packet-view.ts";
import { assertPortFree, portInUse } from "./port-guard.ts";
import { Router } from "./router.ts";
import { allRoutes } from "./routes/index.ts";
import { AuthRateLimiter } from "./security.ts";
import { StaticFiles } from "./static.ts";
import { DEFAULT_WS_OPTIONS, WsHub } from "./ws-hub.ts";

export type HttpServer = Service & {
  /** The bound port (after start; the configured one before). */
  port(): number;
  /** The engine in use (after start; the preferred one before). */
  readonly engine: EngineName;
  /** All registered routes (for the OpenAPI conformance test and docs). */
  routes(): readonly { method: string; path: string; query: readonly string[] }[];
};

const WS_PATH = "/ws";

export function createHttpServer(deps: HttpDeps): HttpServer {
  const log = deps.log;
  const now = deps.now ?? Date.now;
  const hub = new WsHub({ ...DEFAULT_WS_OPTIONS, ...deps.ws }, now);
  const counters = new HttpCounters();
  // Standalone (tests, benches) the server counts the bus packets itself.
  const traffic = deps.traffic ?? new TrafficTally();
  const counting = traffic !== deps.traffic;
  let engine: HttpEngine | null = null;
  let engineName: EngineName = deps.config.engine === "node" ? "node" : "uws";
  let engineReason = "not started";
  let boundPort = deps.config.port;
  const unsubscribe: (() => void)[] = [];

  const app: AppContext = {
    deps,
    hub,
    counters,
    traffic,
    startedAt: now(),
    now,
    engine: () => (engine ? engine.name : null),
    engineReason: () => engineReason,
  };
  const metrics = new Metrics(app);
  const router = new Router(allRoutes(app, metrics, () => openApiDocument(deps.version)));
  const handler = new RequestHandler(
    app,
    router,
    new StaticFiles(deps.staticDir),
    new AuthRateLimiter(),
  );

  const handlers: EngineHandlers = {
    http: (req) => handler.handle(req),
    tooLarge: (head) => handler.tooLarge(head),
    wsUpgrade: (head) => handler.wsUpgrade(head),
    wsOpen: (conn) => hub.open(conn, { version: deps.version }),
    wsMessage: (conn, text) => hub.message(conn, text),
    wsClose: (conn) => hub.close(conn),
  };
  const opts = { maxBodyBytes: deps.config.maxBodyBytes, wsPath: WS_PATH, wsMaxPayload: 4096 };

  function pickEngine(): HttpEngine {
    const want = deps.config.engine;
    if (want === "node") {
      engineReason = "http.engine is node";
      return createNodeEngine(handlers, opts);
    }
    const loaded = (deps.loadUws ?? (() => loadBestUws()))();
    if (loaded.ok) {
      engineReason = `uWebSockets.js native build ${loaded.binary}`;
      return createUwsEngine(loaded.uws, handlers, opts);
    }
    if (want === "uws")
      log.warn("http.engine is uws but uWebSockets.js does not load; using node:http", {
        reason: loaded.reason,
      });
    engineReason = `node:http (uWebSockets.js unavailable: ${loaded.reason})`;
    return createNodeEngine(handlers, opts);
  }

  return {
    name: "http",
    get engine() {
      return engineName;
    },
    port: () => boundPort,
    routes: () => router.routes().map((r) => ({ method: r.method, path: r.path, query: r.query })),
    async start() {
      if (engine) return;
      const { host, port } = deps.config;
      // uWS binds with SO_REUSEPORT and would share a port with another daemon.
      await assertPortFree(host, port);
      const e = pickEngine();
      try {
        boundPort = await e.listen(host, port);
      } catch (err) {
        // Taken between the check and the listen: still name the holder.
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw portInUse(host, port);
        throw err;
      }
      engine = e;
      engineName = e.name;
      metrics.start();
      unsubscribe.push(
        deps.bus.on("packet", (p) => {
          if (counting) traffic.add(p);
          hub.publish("packet", () => observedFromRow(app, p), payloadTypeName(p.payloadType));
        }),
        deps.bus.on("node", (n) => hub.publish("node", n)),
        deps.bus.on("radio", (r) => hub.publish("radio", r)),
        deps.bus.on("mqtt", (m) => hub.publish("mqtt", m)),
      );
      log.info("http listening", {
        host: deps.config.host,
        port: boundPort,
        engine: e.name,
        why: engineReason,
      });
      if (!deps.config.token)
        log.info("actions are disabled (no http.token): the API is read-only");
    },
    async stop() {
      for (const u of unsubscribe.splice(0)) u();
      metrics.stop();
      hub.closeAll();
      const e = engine;
      engine = null;
      if (e) await e.close();
    },
  };
}
