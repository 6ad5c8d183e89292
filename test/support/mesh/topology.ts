/**
 * A small seeded mesh generator for model tests: nodes on a plane around a
 * centre, true links by distance, and observations whose paths walk those
 * links to the gateway radio (node 0). Some keys are forced to share a 1-byte
 * prefix so hop resolution meets ambiguity.
 */
import type { MeshObservation } from "../../../daemon/mesh/types.ts";
import { TestRng } from "../rng.ts";

export interface GenNode {
  readonly key: string;
  readonly role: number;
  readonly lat: number;
  readonly lon: number;
  readonly name: string;
}

export interface GenMesh {
  readonly nodes: readonly GenNode[];
  /** Index pairs (a < b). */
  readonly links: ReadonlySet<string>;
  readonly adj: readonly number[][];
  readonly radioKey: string;
}

export interface GenOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly radiusKm: number;
  readonly linkKm: number;
  /** How many extra nodes copy the first byte of another node's key. */
  readonly forcedCollisions: number;
  /** Share of chat nodes (never relay). */
  readonly chatShare: number;
}

const KM_PER_DEG = 111.32;

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function generateMesh(o: GenOptions): GenMesh {
  const rng = new TestRng(o.seed);
  const nodes: GenNode[] = [];
  const centre = { lat: 37.5, lon: -122.2 };
  const cos = Math.cos((centre.lat * Math.PI) / 180);
  for (let i = 0; i < o.nodes; i++) {
    let key = rng.hex(32);
    if (i >= o.nodes - o.forcedCollisions && i > 1) {
      key = nodes[rng.int(0, i - 1)]!.key.slice(0, 2) + key.slice(2);
    }
    const r = o.radiusKm * Math.sqrt(rng.next());
    const th = rng.next() * 2 * Math.PI;
    nodes.push({
      key,
      role: i === 0 ? 2 : rng.next() < o.chatShare ? 1 : 2,
      lat: centre.lat + (r * Math.sin(th)) / KM_PER_DEG,
      lon: centre.lon + (r * Math.cos(th)) / (KM_PER_DEG * cos),
      name: `node-${i}`,
    });
  }
  const adj: number[][] = nodes.map(() => []);
  const links = new Set<string>();
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      const dx = (a.lon - b.lon) * KM_PER_DEG * cos;
      const dy = (a.lat - b.lat) * KM_PER_DEG;
      if (Math.hypot(dx, dy) <= o.linkKm) {
        adj[i]!.push(j);
        adj[j]!.push(i);
        links.add(`${i}|${j}`);
      }
    }
  }
  return { nodes, links, adj, radioKey: nodes[0]!.key };
}

/** True links as key pairs, limited to those the given observations could reveal. */
export function truthPairs(mesh: GenMesh): Set<string> {
  const out = new Set<string>();
  for (const l of mesh.links) {
    const [a, b] = l.split("|").map(Number) as [number, number];
    out.add(pairKey(mesh.nodes[a]!.key, mesh.nodes[b]!.key));
  }
  return out;
}

export interface TrafficOptions {
  readonly seed: number;
  readonly count: number;
  readonly start: number;
  readonly stepMs: number;
  readonly advertShare: number;
  /** Share of transmissions heard twice over different paths. */
  readonly duplicateShare: number;
  readonly maxHops: number;
  readonly hashSize?: 1 | 2;
  /** Pick the hash size (1 or 2 bytes) per transmission instead. */
  readonly mixedHashSizes?: boolean;
  /** Filled with the true links the emitted observations reveal (key pairs). */
  readonly traversed?: Set<string>;
}

function hop(key: string, size: number): string {
  return key.slice(0, size * 2).toLowerCase();
}

/**
 * A random relay walk from the gateway outward over repeaters, then an
 * originator next to the walk's far end. Returns node indices, originator first.
 */
function walk(mesh: GenMesh, rng: TestRng, maxHops: number): number[] | null {
  const len = rng.int(0, maxHops);
  const relays: number[] = [];
  let cur = 0;
  const used = new Set([0]);
  for (let i = 0; i < len; i++) {
    const next = mesh.adj[cur]!.filter((n) => !used.has(n) && mesh.nodes[n]!.role === 2);
    if (next.length === 0) break;
    cur = rng.pick(next);
    used.add(cur);
    relays.push(cur);
  }
  const origins = mesh.adj[cur]!.filter((n) => !used.has(n));
  if (origins.length === 0) return null;
  return [rng.pick(origins), ...relays.reverse()];
}

export function* traffic(mesh: GenMesh, o: TrafficOptions): Generator<MeshObservation> {
  const rng = new TestRng(o.seed);
  let at = o.start;
  // Every node introduces itself first with an advert heard over the shortest
  // relay chain; the gateway's own advert comes back through a neighbour.
  const back = mesh.adj[0]!.find((n) => mesh.nodes[n]!.role === 2);
  if (back !== undefined) {
    at += o.stepMs;
    yield* emit(mesh, o, [0, back], at, rng.hex(8).toLowerCase(), true, true, rng);
  }
  for (let i = 1; i < mesh.nodes.length; i++) {
    at += o.stepMs;
    yield* observe(mesh, rng, o, i, at, rng.hex(8).toLowerCase(), true);
  }
  for (let i = 0; i < o.count; i++) {
    const hash = rng.hex(8).toLowerCase();
    const w = walk(mesh, rng, o.maxHops);
    if (!w) continue;
    const advert = rng.next() < o.advertShare;
    at += o.stepMs;
    yield* emit(mesh, o, w, at, hash, advert, true, rng);
    if (rng.next() < o.duplicateShare) {
      const w2 = walk(mesh, rng, o.maxHops);
      if (w2 && w2[0] === w[0]) yield* emit(mesh, o, w2, at + 500, hash, advert, false, rng);
    }
  }
}

function* observe(
  mesh: GenMesh,
  rng: TestRng,
  o: TrafficOptions,
  origin: number,
  at: number,
  hash: string,
  advert: boolean,
): Generator<MeshObservation> {
  const w = shortestWalk(mesh, origin, o.maxHops);
  if (w) yield* emit(mesh, o, w, at, hash, advert, true, rng);
}

/** Shortest relay chain (repeaters only) from `origin` to the gateway; originator first. */
export function shortestWalk(mesh: GenMesh, origin: number, maxHops: number): number[] | null {
  if (mesh.adj[0]!.includes(origin)) return [origin];
  const prev = new Map<number, number>([[0, -1]]);
  let frontier = [0];
  for (let depth = 0; depth < maxHops && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const m of mesh.adj[n]!) {
        if (prev.has(m) || mesh.nodes[m]!.role !== 2) continue;
        prev.set(m, n);
        if (mesh.adj[m]!.includes(origin) && m !== origin) {
          const chain: number[] = [];
          for (let c = m; c !== 0; c = prev.get(c)!) chain.push(c);
          return [origin, ...chain];
        }
        next.push(m);
      }
    }
    frontier = next;
  }
  return null;
}

function* emit(
  mesh: GenMesh,
  o: TrafficOptions,
  w: number[],
  at: number,
  hash: string,
  advert: boolean,
  firstSeen: boolean,
  rng: TestRng,
): Generator<MeshObservation> {
  const size = o.mixedHashSizes ? (hash.charCodeAt(0) % 2) + 1 : (o.hashSize ?? 1);
  const origin = mesh.nodes[w[0]!]!;
  const hops = w.slice(1).map((i) => hop(mesh.nodes[i]!.key, size));
  if (o.traversed) {
    const chain = [...(advert ? [w[0]!] : []), ...w.slice(1), 0];
    for (let i = 0; i + 1 < chain.length; i++) {
      o.traversed.add(pairKey(mesh.nodes[chain[i]!]!.key, mesh.nodes[chain[i + 1]!]!.key));
    }
  }
  yield {
    hash,
    at,
    radioId: "r0",
    radioKey: mesh.radioKey,
    payloadType: advert ? 4 : 5,
    route: 1,
    hashSize: size,
    hops,
    snr: Math.round((rng.next() * 20 - 10) * 4) / 4,
    rssi: -120 + rng.int(0, 60),
    rawLength: advert ? 140 : 60,
    firstSeen,
    ...(advert
      ? {
          advert: {
            publicKey: origin.key,
            role: origin.role,
            lat: origin.lat,
            lon: origin.lon,
            name: origin.name,
            timestamp: Math.floor(at / 1000),
          },
        }
      : { channel: "#test" }),
  };
}
