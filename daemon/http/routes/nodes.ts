/**
 * Nodes, neighbour graph, collisions and analytics. The mesh model answers
 * when it is wired (503 + Retry-After while its index builds); without it,
 * nodes and collisions come straight from the store, and the graph and
 * analytics answer 503.
 */

import { byCodeUnit } from "../../core/order.ts";
import { type HealthPolicy, healthPolicy } from "../../mesh/health.ts";
import { ROLE_NAMES } from "../../protocol/roles.ts";
import type { NodeRow, PacketRow } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import type { CollisionReport, NodeSummary } from "../contract/index.ts";
import { badParam, notFound, unavailable } from "../http-error.ts";
import {
  firstHeardOf,
  fromMesh,
  fromStore,
  type NodeFacts,
  neighboursOf,
  ownAdverts,
  toAdvertSeen,
} from "../node-view.ts";
import { PUBKEY } from "../params.ts";
import { ANALYTICS_KINDS, ANALYTICS_RANGES, type MeshPort } from "../ports.ts";
import { get, type Route } from "../router.ts";

const STATUS = ["healthy", "degraded", "silent"] as const;

/** The health policy of the running config's `mesh.health` (the mesh model's own rules). */
function policyOf(app: AppContext): HealthPolicy {
  const cfg = app.deps.providers?.config?.get() as { mesh?: { health?: unknown } } | undefined;
  return healthPolicy(cfg?.mesh?.health);
}

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

function compare(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

/** Key prefixes shared by several known nodes (path hops carry only prefixes). */
export function prefixCollisions(nodes: readonly NodeRow[]): CollisionReport {
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
  collisions.sort((x, y) => y.keys.length - x.keys.length || byCodeUnit(x.prefix, y.prefix));
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

/** Sort keys of GET /api/nodes; `snr` sorts by the recent mean of direct hearings. */
const SORTS = ["lastHeard", "firstHeard", "name", "advertCount", "snr", "relayed"] as const;

function sortValue(n: NodeSummary, sort: (typeof SORTS)[number]): string | number | null {
  if (sort === "snr") return n.snr?.recent ?? null;
  return n[sort];
}

export function nodeRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  const facts = async (): Promise<NodeFacts> => ({
    firstHeard: firstHeardOf(await store.listNodes()),
    radioKeys: radioKeys(app),
  });
  return [
    get(
      "/api/nodes",
      ["role", "status", "q", "sort", "order", "limit", "offset"],
      async ({ query }) => {
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
        const rows = await store.listNodes();
        const f: NodeFacts = { firstHeard: firstHeardOf(rows), radioKeys: radioKeys(app) };
        const all: NodeSummary[] = mesh
          ? mesh.listNodes().map((n) => fromMesh(n, f))
          : rows.map((n) => fromStore(n, now, f, policyOf(app)));
        const items = all.filter((n) => {
          if (role && n.role !== role) return false;
          if (status && n.status !== status) return false;
          if (q) {
            const name = n.name?.toLowerCase() ?? "";
            if (!name.includes(q) && !n.publicKey.toLowerCase().startsWith(q)) return false;
          }
          return true;
        });
        const sign = order === "asc" ? 1 : -1;
        // Unknown values sort last whichever the order.
        const sorted = [...items].sort((a, b) => {
          const x = sortValue(a, sort);
          const y = sortValue(b, sort);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
          return sign * compare(x, y);
        });
        return { items: sorted.slice(offset, offset + limit), total: sorted.length };
      },
    ),
    get("/api/nodes/{publicKey}", [], async ({ params }) => {
      const key = params.publicKey ?? "";
      if (!PUBKEY.test(key)) throw badParam("publicKey", "must be 64 hex characters");
      const upper = key.toUpperCase();
      const mesh = readyMesh(app, false);
      const f = await facts();
      const row = await store.getNode(upper);
      const detail = mesh ? mesh.getNode(upper) : null;
      const summary = detail
        ? fromMesh(detail, f)
        : row && !mesh
          ? fromStore(row, app.now(), f, policyOf(app))
          : null;
      if (!summary) throw notFound(`node ${upper}`);
      const known = new Map(
        (mesh ? mesh.listNodes() : []).map((n) => [n.publicKey, { name: n.name, role: n.role }]),
      );
      // The store matches adverts by the node and packets it relayed: keep its own.
      const rows = await store.listPackets({ limit: 1000, node: upper, payloadType: 4 });
      const adverts = ownAdverts(upper, rows, 100);
      return {
        ...summary,
        sensors: detail ? detail.sensors : (row?.extras ?? null),
        neighbours: detail ? neighboursOf(upper, detail, known, f) : [],
        sharesPrefixWith: detail ? detail.sharesPrefixWith : [],
        adverts: adverts.map(toAdvertSeen),
        snrHistory: adverts
          .filter((r) => r.snr !== null || r.rssi !== null)
          .map((r) => ({ at: r.at, snr: r.snr, rssi: r.rssi })),
        paths: advertPaths(adverts),
      };
    }),
    get(
      "/api/graph",
      ["minConfidence", "minSightings", "resolvedOnly", "limit"],
      async ({ query }) => {
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
    ),
    get("/api/collisions", ["bytes"], async ({ query }) => {
      const bytes = query.int("bytes", 1, 3);
      const mesh = readyMesh(app, false);
      const report = mesh ? mesh.collisions() : prefixCollisions(await store.listNodes());
      if (bytes === undefined) return report;
      return { ...report, collisions: report.collisions.filter((c) => c.bytes === bytes) };
    }),
    get("/api/analytics", ["kind", "range"], async ({ query }) => {
      const kind = query.oneOf("kind", ANALYTICS_KINDS);
      if (!kind) throw badParam("kind", `is required: one of ${ANALYTICS_KINDS.join(", ")}`);
      const range = query.oneOf("range", ANALYTICS_RANGES, "24h");
      const answer = readyMesh(app, true)!.analytics(kind, range);
      if (answer === null) throw unavailable(`analytics ${kind} not available`, null);
      return answer;
    }),
  ];
}

/** Upper-hex keys of the gateway's own radios (their node identities). */
export function radioKeys(app: AppContext): Set<string> {
  const keys = new Set<string>();
  for (const r of app.deps.providers?.radios?.list() ?? [])
    if (r.publicKey) keys.add(r.publicKey.toUpperCase());
  return keys;
}
