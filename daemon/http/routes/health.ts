/** Health (the readiness truth), stats, and the OpenAPI document. */
import type { StoreHealth } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import type { GatewayIdentity, Health } from "../contract/index.ts";
import { get, type Route } from "../router.ts";

/** The gateway as locals know it: its primary radio's name and key, and the region. */
function gatewayIdentity(app: AppContext): GatewayIdentity {
  const radios = app.deps.providers?.radios?.list() ?? [];
  const named = radios.find((r) => r.name !== null && r.publicKey !== null) ?? radios[0];
  const cfg = app.deps.providers?.config?.get() as { regions?: unknown } | undefined;
  const regions = Array.isArray(cfg?.regions)
    ? cfg.regions.filter((r): r is string => typeof r === "string").slice(0, 16)
    : [];
  return {
    name: named?.name ?? null,
    publicKey: named?.publicKey ?? null,
    regions,
    actions: app.deps.config.token !== null,
  };
}

function storeHealth(app: AppContext): StoreHealth | { error: string } {
  try {
    return app.deps.store.health();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Fraction of the data file system that must stay free before health says degraded. */
const DISK_FREE_MIN = 0.05;

/** Observations queued for the store past which health says degraded. */
const INGEST_BACKLOG = 5_000;

export function healthReport(app: AppContext): Health {
  const reasons: string[] = [];
  const sh = storeHealth(app);
  if (!("ok" in sh)) reasons.push(`store: ${sh.error}`);
  else if (!sh.ok || sh.error) reasons.push(`store: ${sh.error ?? "not ok"}`);
  const radios = app.deps.providers?.radios?.list() ?? [];
  for (const r of radios) {
    if (r.state !== "up")
      reasons.push(`radio ${r.id}: ${r.state}${r.lastError ? ` (${r.lastError})` : ""}`);
  }
  const mqtt = app.deps.providers?.mqtt?.status() ?? [];
  for (const b of mqtt) if (!b.connected) reasons.push(`mqtt ${b.name}: ${b.state}`);
  const ingest = app.deps.providers?.ingest?.counters() ?? null;
  if (ingest && (ingest.queue ?? 0) > INGEST_BACKLOG) {
    reasons.push(`ingest: ${ingest.queue} observations waiting for the store`);
  }
  const disk = app.deps.providers?.disk?.usage() ?? null;
  if (disk && disk.totalBytes > 0 && disk.freeBytes / disk.totalBytes < DISK_FREE_MIN) {
    reasons.push(`disk: ${Math.round(disk.freeBytes / 1_048_576)} MB free`);
  }
  const mesh = app.deps.providers?.mesh;
  const index = mesh ? mesh.readiness() : null;
  const ws = app.hub.stats();
  const c = app.counters;
  return {
    status: reasons.length === 0 ? "ok" : "degraded",
    reasons,
    version: app.deps.version,
    uptimeSec: Math.round((app.now() - app.startedAt) / 1000),
    engine: app.engine(),
    gateway: gatewayIdentity(app),
    store:
      "ok" in sh
        ? {
            ok: sh.ok,
            error: sh.error,
            observations: sh.observations,
            transmissions: sh.transmissions,
            nodes: sh.nodes,
            dbBytes: sh.dbBytes,
            journalBytes: sh.journalBytes,
            schemaVersion: sh.schemaVersion,
            lastSnapshotAt:
              sh.lastSnapshotAt === null ? null : new Date(sh.lastSnapshotAt).toISOString(),
            lastSnapshotMs: sh.lastSnapshotMs,
            hotBytes: sh.hotBytes ?? null,
            archive: sh.archive ?? null,
            memory: sh.memory ?? null,
            journalTorn: sh.counters.journal_torn ?? 0,
            journalDamage: sh.journalDamage ?? null,
          }
        : { ok: false, error: sh.error, observations: 0 },
    radios: radios.map((r) => ({
      id: r.id,
      driver: r.driver,
      state: r.state,
      lastError: r.lastError,
    })),
    mqtt: mqtt.map((b) => ({ name: b.name, state: b.state, connected: b.connected })),
    ingest,
    disk,
    index: index ?? { ready: false, progress: 0, detail: "mesh model not wired" },
    counters: {
      httpRequests: c.requests,
      httpServerErrors: c.serverErrors,
      authFailures: c.authFailures,
      wsClients: ws.clients,
      wsDropped: ws.dropped,
      busHandlerErrors: app.deps.bus.handlerErrors,
    },
    versions: { meshgate: app.deps.version, node: process.versions.node, engine: app.engine() },
  };
}

export function statsReport(app: AppContext): Record<string, unknown> {
  const c = app.counters;
  const sh = storeHealth(app);
  const traffic = app.traffic.totals();
  const byType = Object.fromEntries(Object.entries(traffic.byType).sort((a, b) => b[1] - a[1]));
  return {
    uptimeSec: Math.round((app.now() - app.startedAt) / 1000),
    packets: { total: traffic.observations, byType },
    http: {
      requests: c.requests,
      byStatus: Object.fromEntries([...c.byStatus].sort((a, b) => a[0] - b[0])),
      serverErrors: c.serverErrors,
      authFailures: c.authFailures,
      authThrottled: c.authThrottled,
      bodyTooLarge: c.bodyTooLarge,
    },
    ws: app.hub.stats(),
    store:
      "ok" in sh
        ? {
            observations: sh.observations,
            transmissions: sh.transmissions,
            nodes: sh.nodes,
            counters: sh.counters,
          }
        : { error: sh.error },
  };
}

export function healthRoutes(app: AppContext, openapi: () => unknown): Route[] {
  return [
    get("/api/health", [], async () => healthReport(app)),
    { method: "GET", path: "/api/stats", query: [], handle: async () => statsReport(app) },
    { method: "GET", path: "/api/openapi.json", query: [], handle: async () => openapi() },
  ];
}
