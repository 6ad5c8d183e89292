/**
 * Nodes, neighbour graph, collisions and analytics. The mesh model answers
 * when it is wired (503 + Retry-After while its index builds); without it,
 * nodes and collisions come straight from the store, and the graph and
 * analytics answer 503.
 */
import type { NodeRow, PacketRow } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import { toNodeItem } from "../format.ts";
import { badParam, notFound, unavailable } from "../http-error.ts";
import { PUBKEY } from "../params.ts";
import { ANALYTICS_KINDS, ANALYTICS_RANGES, type MeshPort } from "../ports.ts";
import type { Route } from "../router.ts";

const ROLE_NAMES = ["chat", "repeater", "room", "sensor", "unknown"] as const;
const STATUS = ["healthy", "degraded", "silent"] as const;
const SORTS = ["lastHeard", "firstHeard", "name", "advertCount"] as const;

/** The mesh port, or a 503 while it builds / when it is needed and not wired. */
function readyMesh(app: AppContext, needed: boolean): MeshPort | null {
  const mesh = app.deps.providers?.mesh;
  if (!mesh) {
    if (needed) throw unavailable("mesh model not available", null);
    return null;
  }
  const r = mesh.readiness();
  if (!r.ready) {
    const progress = Math.round(Math.max(0, Math.min(1, r.progress)) * 1000) / 1000;
    throw unavailable(`mesh index is building (${Math.round(progress * 100)}%)`, 5, {
      progress,
      detail: r.detail ?? null,
    });
  }
  return mesh;
}

type Rec = Readonly<Record<string, unknown>>;

function compare(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

/** Key prefixes shared by several known nodes (path hops carry only prefixes). */
export function prefixCollisions(nodes: readonly NodeRow[]): Rec {
  const collisions: { prefix: string; bytes: number; keys: string[] }[] = [];
  for (const bytes of [1, 2, 3]) {
    const groups = new Map<string, string[]>();
    for (const n of nodes) {
      const prefix = n.publicKey.slice(0, bytes * 2).toUpperCase();
      const g = groups.get(prefix);
      if (g) g.push(n.publicKey);
      else groups.set(prefix, [n.publicKey]);
    }
    for (const [prefix, keys] of groups)
      if (keys.length > 1) collisions.push({ prefix, bytes, keys: keys.sort() });
  }
  collisions.sort((x, y) => y.keys.length - x.keys.length || x.prefix.localeCompare(y.prefix));
  const count = (b: number) => collisions.filter((c) => c.bytes === b).length;
  return {
    knownNodes: nodes.length,
    shared: { "1": count(1), "2": count(2), "3": count(3) },
    collisions,
  };
}

/** The distinct routes its adverts took to reach us, most used first. */
export function advertPaths(
  adverts: readonly PacketRow[],
): { hops: readonly string[]; count: number; lastHeard: number }[] {
  const byPath = new Map<string, { hops: readonly string[]; count: number; lastHeard: number }>();
  for (const r of adverts) {
    const key = r.hops.join(",");
    const p = byPath.get(key);
    if (p) {
      p.count++;
      p.lastHeard = Math.max(p.lastHeard, r.at);
    } else byPath.set(key, { hops: r.hops, count: 1, lastHeard: r.at });
  }
  return [...byPath.values()].sort((a, b) => b.count - a.count || b.lastHeard - a.lastHeard);
}

export function nodeRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  return [
    {
      method: "GET",
      path: "/api/nodes",
      query: ["role", "status", "q", "sort", "order", "limit", "offset"],
      handle: async ({ query }) => {
        const role = query.oneOf("role", ROLE_NAMES);
        const status = query.oneOf("status", STATUS);
        const q = query.str("q", { max: 64 })?.toLowerCase();
        const sort = query.oneOf("sort", SORTS, "lastHeard");
        const order = query.oneOf(
          "order",
          ["asc", "desc"] as const,
          sort === "name" ? "asc" : "desc",
        );
        const limit = query.int("limit", 1, 5000, 500);
        const offset = query.int("offset", 0, 1_000_000, 0);
        const mesh = readyMesh(app, false);
        const now = app.now();
        const all: readonly Rec[] = mesh
          ? mesh.listNodes()
          : (await store.listNodes()).map((n) => toNodeItem(n, now) as unknown as Rec);
        const items = all.filter((n) => {
          if (role && n.role !== role) return false;
          if (status && n.status !== status) return false;
          if (q) {
            const name = typeof n.name === "string" ? n.name.toLowerCase() : "";
            const key = typeof n.publicKey === "string" ? n.publicKey.toLowerCase() : "";
            if (!name.includes(q) && !key.startsWith(q)) return false;
          }
          return true;
        });
        const sign = order === "asc" ? 1 : -1;
        const sorted = [...items].sort((a, b) => sign * compare(a[sort], b[sort]));
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
        const node = mesh ? null : await store.getNode(upper);
        const detail = mesh ? mesh.getNode(upper) : node ? toNodeItem(node, app.now()) : null;
        if (!detail) throw notFound(`node ${upper}`);
        // Advert history and SNR over time come from the stored observations.
        const adverts = await store.listPackets({ limit: 100, node: upper, payloadType: 4 });
        return {
          ...detail,
          ...(node && { extras: node.extras, neighbours: [], source: "store" }),
          advertHistory: adverts.map((r) => ({
            hash: r.hash,
            receivedAt: new Date(r.at).toISOString(),
            radioId: r.radioId,
            snr: r.snr,
            rssi: r.rssi,
            hops: r.hops,
          })),
          snrHistory: adverts
            .filter((r) => r.snr !== null || r.rssi !== null)
            .map((r) => ({ at: r.at, snr: r.snr, rssi: r.rssi })),
          paths: advertPaths(adverts),
        };
      },
    },
    {
      method: "GET",
      path: "/api/graph",
      query: ["minConfidence", "minSightings", "resolvedOnly", "limit"],
      handle: async ({ query }) => {
        const minConfidence = query.num("minConfidence", 0, 1);
        const minSightings = query.int("minSightings", 1, 1_000_000);
        const limit = query.int("limit", 1, 20_000, 5000);
        const resolvedOnly = query.bool("resolvedOnly");
        return readyMesh(app, true)!.graph({
          limit,
          resolvedOnly,
          ...(minConfidence !== undefined && { minConfidence }),
          ...(minSightings !== undefined && { minSightings }),
        });
      },
    },
    {
      method: "GET",
      path: "/api/collisions",
      query: ["bytes"],
      handle: async ({ query }) => {
        const bytes = query.int("bytes", 1, 3);
        const mesh = readyMesh(app, false);
        const report = (
          mesh ? mesh.collisions() : prefixCollisions(await store.listNodes())
        ) as Rec;
        if (bytes === undefined || !Array.isArray(report.collisions)) return report;
        return { ...report, collisions: report.collisions.filter((c: Rec) => c.bytes === bytes) };
      },
    },
    {
      method: "GET",
      path: "/api/analytics",
      query: ["kind", "range"],
      handle: async ({ query }) => {
        const kind = query.oneOf("kind", ANALYTICS_KINDS);
        if (!kind) throw badParam("kind", `is required: one of ${ANALYTICS_KINDS.join(", ")}`);
        const range = query.oneOf("range", ANALYTICS_RANGES, "24h");
        const answer = readyMesh(app, true)!.analytics(kind, range);
        if (answer === null || answer === undefined)
          throw unavailable(`analytics ${kind} not available`, null);
        return answer;
      },
    },
  ];
}
