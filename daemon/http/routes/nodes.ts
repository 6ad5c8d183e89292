/**
 * Nodes, neighbour graph, collisions and analytics. The mesh model answers
 * when it is wired (503 + Retry-After while its index builds); without it,
 * nodes and collisions come straight from the store.
 */
import type { NodeRow } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import { type NodeItem, roleName, toNodeItem } from "../format.ts";
import { badParam, notFound, unavailable } from "../http-error.ts";
import { PUBKEY } from "../params.ts";
import type { AnalyticsMetric, MeshPort } from "../ports.ts";
import type { Route } from "../router.ts";

const ROLE_NAMES = ["chat", "repeater", "room", "sensor", "unknown"] as const;
const HEALTH = ["active", "degraded", "silent"] as const;
const SORTS = ["lastSeen", "firstSeen", "name", "advertCount"] as const;
const METRICS: readonly AnalyticsMetric[] = ["traffic", "rf", "airtime"];
const DAY_MS = 86_400_000;

/** The mesh port, or a 503 while it builds / when it is not wired. */
function readyMesh(app: AppContext, needed: boolean): MeshPort | null {
  const mesh = app.deps.providers?.mesh;
  if (!mesh) {
    if (needed) throw unavailable("mesh model not available", null);
    return null;
  }
  const r = mesh.readiness();
  if (!r.ready) {
    const progress = Math.max(0, Math.min(1, r.progress));
    throw unavailable("mesh index is building", 5, { progress, detail: r.detail ?? null });
  }
  return mesh;
}

type Rec = Readonly<Record<string, unknown>>;

function timeValue(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") return Date.parse(v) || 0;
  return 0;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string" && Number.isNaN(Date.parse(a)))
    return a.localeCompare(b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return timeValue(a) - timeValue(b);
}

/** Hash-prefix collisions among known nodes (path hops carry only key prefixes). */
export function prefixCollisions(nodes: readonly NodeRow[], hashSize: number): Rec[] {
  const groups = new Map<string, NodeRow[]>();
  for (const n of nodes) {
    const prefix = n.publicKey.slice(0, hashSize * 2).toUpperCase();
    const g = groups.get(prefix);
    if (g) g.push(n);
    else groups.set(prefix, [n]);
  }
  return [...groups]
    .filter(([, g]) => g.length > 1)
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([prefix, g]) => ({
      prefix,
      hashSize,
      nodes: g.map((n) => ({ publicKey: n.publicKey, name: n.name, role: roleName(n.role) })),
    }));
}

export function nodeRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  return [
    {
      method: "GET",
      path: "/api/nodes",
      query: ["role", "health", "q", "sort", "order", "limit", "offset"],
      handle: async ({ query }) => {
        const role = query.oneOf("role", ROLE_NAMES);
        const health = query.oneOf("health", HEALTH);
        const q = query.str("q", { max: 64 })?.toLowerCase();
        const sort = query.oneOf("sort", SORTS, "lastSeen");
        const order = query.oneOf(
          "order",
          ["asc", "desc"] as const,
          sort === "name" ? "asc" : "desc",
        );
        const limit = query.int("limit", 1, 5000, 500);
        const offset = query.int("offset", 0, 1_000_000, 0);
        const mesh = readyMesh(app, false);
        const now = app.now();
        const all: readonly (Rec | NodeItem)[] = mesh
          ? mesh.listNodes()
          : (await store.listNodes()).map((n) => toNodeItem(n, now));
        const items = all.filter((n) => {
          const r = n as Rec;
          if (role && r.role !== role) return false;
          if (health && r.health !== health) return false;
          if (q) {
            const name = typeof r.name === "string" ? r.name.toLowerCase() : "";
            const key = typeof r.publicKey === "string" ? r.publicKey.toLowerCase() : "";
            if (!name.includes(q) && !key.startsWith(q)) return false;
          }
          return true;
        });
        const sign = order === "asc" ? 1 : -1;
        const sorted = [...items].sort(
          (a, b) => sign * compare((a as Rec)[sort], (b as Rec)[sort]),
        );
        return { items: sorted.slice(offset, offset + limit), total: sorted.length };
      },
    },
    {
      method: "GET",
      path: "/api/nodes/{publicKey}",
      query: [],
      handle: async ({ params }) => {
        const key = params.publicKey ?? "";
        if (!PUBKEY.test(key)) throw badParam("publicKey", "must be 64 hex characters");
        const upper = key.toUpperCase();
        const mesh = readyMesh(app, false);
        if (mesh) {
          const detail = mesh.getNode(upper);
          if (!detail) throw notFound(`node ${upper}`);
          return detail;
        }
        const node = await store.getNode(upper);
        if (!node) throw notFound(`node ${upper}`);
        const adverts = await store.listPackets({ limit: 100, node: upper, payloadType: 4 });
        return {
          ...toNodeItem(node, app.now()),
          extras: node.extras,
          advertHistory: adverts.map((r) => ({
            hash: r.hash,
            receivedAt: new Date(r.at).toISOString(),
            radioId: r.radioId,
            snr: r.snr,
            rssi: r.rssi,
            hops: r.hops.length,
          })),
          snrHistory: adverts
            .filter((r) => r.snr !== null || r.rssi !== null)
            .map((r) => ({ at: new Date(r.at).toISOString(), snr: r.snr, rssi: r.rssi })),
          neighbours: [],
          paths: [],
          source: "store",
        };
      },
    },
    {
      method: "GET",
      path: "/api/graph",
      query: [],
      handle: async () => readyMesh(app, true)!.graph(),
    },
    {
      method: "GET",
      path: "/api/collisions",
      query: ["hashSize"],
      handle: async ({ query }) => {
        const hashSize = query.int("hashSize", 1, 3, 1);
        const mesh = readyMesh(app, false);
        if (mesh) return mesh.collisions();
        return { items: prefixCollisions(await store.listNodes(), hashSize) };
      },
    },
    {
      method: "GET",
      path: "/api/analytics",
      query: ["metric", "since", "until", "bucket"],
      handle: async ({ query }) => {
        const metric = query.oneOf("metric", METRICS);
        if (!metric) throw badParam("metric", `is required: one of ${METRICS.join(", ")}`);
        const until = query.time("until") ?? app.now();
        const since = query.time("since") ?? until - DAY_MS;
        if (until <= since) throw badParam("until", "must be after since");
        const bucketSec = query.int("bucket", 60, 86_400, 3600);
        if ((until - since) / (bucketSec * 1000) > 2000)
          throw badParam("bucket", "too small for this range (max 2000 buckets)");
        const mesh = readyMesh(app, true)!;
        return mesh.analytics({ metric, since, until, bucketSec });
      },
    },
  ];
}
