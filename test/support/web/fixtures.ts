/**
 * Deterministic mesh data for the UI tests and the bench, in the shapes the
 * daemon's HTTP API answers (see daemon/http/routes and daemon/core/types.ts).
 * Raw packets are real MeshCore layouts (protocol doc section 2) so the byte
 * breakdown has something true to show.
 */
import type { PacketItem, RadioStatus } from "../../../daemon/core/types.ts";
import type { ObservedPacket } from "../../../daemon/http/contract/index.ts";
import { rng } from "../rng.ts";

/** A node as the mesh model lists it (GET /api/nodes items). */
export interface FakeNode {
  publicKey: string;
  name: string | null;
  role: string;
  status: "healthy" | "degraded" | "silent";
  lat: number | null;
  lon: number | null;
  lastHeard: number;
  lastAdvert: number | null;
  advertCount: number;
  fewestHops: number | null;
}

export interface FakeMessage {
  id: number;
  hash: string;
  channel: string;
  sender: string;
  text: string;
  receivedAt: string;
  senderTimestamp: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function keyFor(i: number): string {
  const r = rng(1000 + i);
  const b = new Uint8Array(32);
  for (let j = 0; j < 32; j++) b[j] = Math.floor(r() * 256);
  b[0] = 0x10 + (i % 0xe0); // never 00 or FF (invalid advert keys)
  return hex(b).toUpperCase();
}

const ROLES = ["repeater", "chat", "room", "sensor"] as const;
const ROLE_CODE: Record<string, number> = { chat: 1, repeater: 2, room: 3, sensor: 4 };

export function makeNodes(n: number, now: number): FakeNode[] {
  const r = rng(42);
  const out: FakeNode[] = [];
  for (let i = 0; i < n; i++) {
    const role = ROLES[i % 4] ?? "chat";
    const age = Math.floor(r() * (i % 5 === 4 ? 5 * 86_400_000 : 3_600_000));
    const placed = i % 6 !== 5;
    out.push({
      publicKey: keyFor(i),
      name: `Node ${i} ${role}`,
      role,
      status: age < 3_600_000 ? "healthy" : "silent",
      lat: placed ? 37.7 + r() * 0.3 : null,
      lon: placed ? -122.5 + r() * 0.3 : null,
      lastHeard: now - age,
      lastAdvert: now - age,
      advertCount: 1 + (i % 9),
      fewestHops: i % 4,
    });
  }
  return out;
}

/** A flood ADVERT: header 0x11, no path, pubkey, timestamp, signature, app data. */
export function advertRaw(node: FakeNode, ts: number): string {
  const name = new TextEncoder().encode(node.name ?? "").slice(0, 32);
  const hasPos = node.lat !== null && node.lon !== null;
  const parts: number[] = [0x11, 0x00];
  parts.push(...Buffer.from(node.publicKey, "hex"));
  const t = Buffer.alloc(4);
  t.writeUInt32LE(ts >>> 0);
  parts.push(...t, ...new Array<number>(64).fill(0xab));
  parts.push((ROLE_CODE[node.role] ?? 1) | (hasPos ? 0x10 : 0) | 0x80);
  if (hasPos) {
    const p = Buffer.alloc(8);
    p.writeInt32LE(Math.round(node.lat! * 1e6), 0);
    p.writeInt32LE(Math.round(node.lon! * 1e6), 4);
    parts.push(...p);
  }
  parts.push(...name);
  return hex(Uint8Array.from(parts));
}

/** Real vectors from the protocol doc (section 8): GRP_TXT, TRACE, ACK, TXT_MSG, REQ. */
const VECTORS: readonly {
  raw: string;
  type: string;
  route: string;
  summary: string;
  hops: string[];
}[] = [
  {
    raw: "150011c3c1354d619bae9590e4d177db7eeaf982f5bdcf78005d75157d9535fa90178f785d",
    type: "GRP_TXT",
    route: "FLOOD",
    summary: "public: Tree: hello",
    hops: [],
  },
  {
    raw: "260130a24d89bd0000000000fb",
    type: "TRACE",
    route: "DIRECT",
    summary: "trace tag bd894da2",
    hops: ["30"],
  },
  {
    raw: "0d04b891647ebb40ba70",
    type: "ACK",
    route: "FLOOD",
    summary: "ack bb40ba70",
    hops: ["b8", "91", "64", "7e"],
  },
  {
    raw: "09046f17c47ed00a13e16ab5b94b1cc2d1a5059c6e5a6253c60d",
    type: "TXT_MSG",
    route: "FLOOD",
    summary: "direct message d0 <- 0a",
    hops: ["6f", "17", "c4", "7e"],
  },
  {
    raw: "0200d1deb01b2f8b72dd363aa4ef07e0bda2266a8979",
    type: "REQ",
    route: "DIRECT",
    summary: "request d1 <- de",
    hops: [],
  },
];

export function hashOf(i: number): string {
  return (0x1000_0000_0000 + i * 7919).toString(16).padStart(16, "0").slice(-16);
}

/** `count` observations, oldest first, ids 1..count; every 4th is a repeat hearing. */
export function makePackets(
  count: number,
  nodes: readonly FakeNode[],
  now: number,
  startId = 1,
): ObservedPacket[] {
  const out: PacketItem[] = [];
  for (let k = 0; k < count; k++) {
    const id = startId + k;
    const repeat = id % 4 === 0 && out.length > 0;
    const base = repeat ? out[out.length - 1]! : null;
    const at = new Date(now - (count - k) * 1500).toISOString();
    if (base) {
      out.push({
        ...base,
        id,
        receivedAt: at,
        firstSeen: false,
        snr: -3.5,
        hops: [...base.hops, "a1"],
      });
      continue;
    }
    const node = nodes[id % Math.max(1, nodes.length)];
    const v = VECTORS[id % VECTORS.length]!;
    const advert = id % 3 === 0 && node !== undefined;
    out.push({
      id,
      hash: hashOf(id),
      raw: advert ? advertRaw(node, Math.floor(now / 1000)) : v.raw,
      receivedAt: at,
      radioId: "main",
      payloadType: advert ? "ADVERT" : v.type,
      route: advert ? "FLOOD" : v.route,
      snr: 5.25 - (id % 12),
      rssi: -80 - (id % 30),
      hashSize: 1,
      hops: advert ? [] : v.hops,
      firstSeen: true,
      summary: advert ? `advert from ${node.name}` : v.summary,
      error: null,
    });
  }
  // The daemon sends each hop resolved; this stand-in knows no mesh, so none resolve.
  return out.map((p) => ({
    ...p,
    path: {
      hashSize: p.hashSize,
      hops: p.hops,
      resolved: p.hops.map((prefix) => ({ prefix, publicKey: null, name: null, confidence: 0 })),
    },
  }));
}

export interface FakeEdge {
  a: string;
  b: string;
  score: number;
  confidence: number;
  observations: number;
}

/**
 * The mesh model's graph: vertices by `id` (a node key or an unresolved hop
 * prefix like "?a1"), edges {a, b, score, confidence, ...}. Node 0 also hears
 * one unresolved prefix.
 */
export function makeGraph(nodes: readonly FakeNode[]): { nodes: unknown[]; edges: FakeEdge[] } {
  const vertices: unknown[] = nodes.map((n) => ({
    id: n.publicKey,
    resolved: true,
    name: n.name,
    role: n.role,
    lat: n.lat,
    lon: n.lon,
  }));
  vertices.push({ id: "?a1", resolved: false, name: null, role: "unknown", lat: null, lon: null });
  const edges = makeEdges(nodes);
  if (nodes[0])
    edges.push({ a: nodes[0].publicKey, b: "?a1", score: 1, confidence: 0.3, observations: 1 });
  return { nodes: vertices, edges };
}

/** A tree: node i hears node i/2. */
export function makeEdges(nodes: readonly FakeNode[]): FakeEdge[] {
  const out: FakeEdge[] = [];
  for (let i = 1; i < nodes.length; i++) {
    const a = nodes[i]!;
    const b = nodes[Math.floor(i / 2)]!;
    out.push({
      a: a.publicKey,
      b: b.publicKey,
      score: 1 + (i % 7),
      confidence: (i % 10) / 10,
      observations: 3 + i,
    });
  }
  return out;
}

export function makeRadio(now: number): RadioStatus {
  return {
    id: "main",
    driver: "simulator",
    state: "up",
    since: now - 3_600_000,
    lastError: null,
    publicKey: keyFor(999),
    name: "Gateway Radio",
    params: { freqMHz: 869.525, bwKHz: 250, sf: 11, cr: 5, txPowerDbm: 22 },
    model: "Simulated T-Beam",
    firmware: "v1.16.0",
    clockSkewSec: 2,
    stats: {
      noiseFloorDbm: -112,
      txAirSecs: 36,
      rxAirSecs: 900,
      batteryMv: 4100,
      uptimeSecs: 36_000,
      recvErrors: 3,
      queueLen: 0,
    },
    counters: { rxFrames: 1234, badFrames: 2 },
  };
}
