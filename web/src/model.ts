/**
 * The shapes the UI works with, and tolerant readers that turn whatever an
 * endpoint returned into them. The API is young: a missing or mistyped field
 * becomes null (shown as "–"), never an exception. Strings from the air are
 * cut to a bound here, once, so no page can be made to render megabytes.
 */

export const MAX_NAME = 64;
export const MAX_TEXT = 512;

type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function str(v: unknown, max = MAX_NAME): string | null {
  if (typeof v !== "string") return null;
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

export function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Times arrive as ms epoch, seconds epoch or ISO strings; answer ms or null. */
export function time(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** `{items: [...]}`, `{<key>: [...]}` or a bare array. */
export function list(v: unknown, key = "items"): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObj(v)) {
    const inner = v[key] ?? v.items;
    if (Array.isArray(inner)) return inner;
  }
  return [];
}

export interface Packet {
  readonly id: number;
  readonly hash: string;
  readonly raw: string;
  readonly at: number;
  readonly radioId: string;
  readonly payloadType: string;
  readonly route: string;
  readonly snr: number | null;
  readonly rssi: number | null;
  readonly hashSize: number;
  readonly hops: readonly string[];
  readonly firstSeen: boolean;
  readonly summary: string;
  readonly error: string | null;
}

export function toPacket(v: unknown): Packet | null {
  if (!isObj(v)) return null;
  const hash = str(v.hash, 64);
  const id = num(v.id);
  if (hash === null || id === null) return null;
  const hops = Array.isArray(v.hops) ? v.hops.slice(0, 64).map((h) => String(h).slice(0, 6)) : [];
  return {
    id,
    hash,
    raw: (str(v.raw, 1024) ?? "").replace(/[^0-9a-fA-F]/g, ""),
    at: time(v.receivedAt ?? v.at) ?? 0,
    radioId: str(v.radioId) ?? "",
    payloadType: str(v.payloadType, 24) ?? "UNKNOWN",
    route: str(v.route, 24) ?? "",
    snr: num(v.snr),
    rssi: num(v.rssi),
    hashSize: num(v.hashSize) ?? 1,
    hops,
    firstSeen: v.firstSeen === true,
    summary: str(v.summary, 160) ?? "",
    error: str(v.error, 64),
  };
}

export const ROLE_NAMES: Readonly<Record<number, string>> = {
  1: "chat",
  2: "repeater",
  3: "room",
  4: "sensor",
};

export function roleName(role: unknown): string {
  if (typeof role === "number") return ROLE_NAMES[role] ?? "unknown";
  if (typeof role === "string") return role.toLowerCase().slice(0, 16);
  return "unknown";
}

export interface NodeInfo {
  readonly publicKey: string;
  readonly name: string | null;
  readonly role: string;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly advertCount: number | null;
  readonly snr: number | null;
  readonly hops: number | null;
  /** The daemon's own verdict ("healthy", "degraded", "silent") when it sends one. */
  readonly health: string | null;
}

export function toNode(v: unknown): NodeInfo | null {
  if (!isObj(v)) return null;
  const key = str(v.publicKey ?? v.pubkey ?? v.key, 64);
  if (key === null || !/^[0-9a-fA-F]+$/.test(key)) return null;
  const lat = num(v.lat);
  const lon = num(v.lon);
  // 0,0 is what firmware sends when a node has no fix; treat it as none.
  const hasPos = lat !== null && lon !== null && !(lat === 0 && lon === 0);
  return {
    publicKey: key.toUpperCase(),
    name: str(v.name),
    role: roleName(v.role),
    lat: hasPos ? lat : null,
    lon: hasPos ? lon : null,
    firstSeen: time(v.firstSeen),
    lastSeen: time(v.lastSeen ?? v.lastHeard),
    advertCount: num(v.advertCount),
    snr: num(v.snr ?? v.lastSnr),
    hops: num(v.hops ?? v.fewestHops ?? v.minHops),
    health: healthName(v.health ?? v.status),
  };
}

/** The mesh model says healthy/degraded/silent; older answers said active. */
export function healthName(v: unknown): string | null {
  const s = str(v, 16);
  return s === "active" ? "healthy" : s;
}

/**
 * A graph vertex: a known node (64-hex key) or an unresolved hop prefix
 * such as "?42" that the daemon could not pin to one node yet.
 */
export interface GraphNode {
  readonly id: string;
  readonly name: string | null;
  readonly role: string;
  readonly resolved: boolean;
}

export function toGraphNode(v: unknown): GraphNode | null {
  if (!isObj(v)) return null;
  const id = str(v.publicKey ?? v.id, 64);
  if (!id || id.endsWith("…")) return null;
  const resolved = /^[0-9a-fA-F]{64}$/.test(id);
  return {
    id: resolved ? id.toUpperCase() : id,
    name: str(v.name),
    role: roleName(v.role),
    resolved,
  };
}

export interface GraphEdge {
  readonly a: string;
  readonly b: string;
  /** 0..1 after normalising: line thickness. */
  readonly score: number;
  /** 0..1: opacity; low-confidence edges are drawn faint and dashed. */
  readonly confidence: number;
}

export interface GraphData {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export function toGraph(v: unknown): GraphData {
  const nodes = list(v, "nodes")
    .map(toGraphNode)
    .filter((n): n is GraphNode => n !== null);
  const raw = isObj(v) && Array.isArray(v.edges) ? v.edges : [];
  const edges: GraphEdge[] = [];
  let maxScore = 0;
  for (const e of raw) {
    if (!isObj(e)) continue;
    const a = str(e.a ?? e.from ?? e.source, 64);
    const b = str(e.b ?? e.to ?? e.target, 64);
    if (!a || !b || a === b) continue;
    const score = num(e.score ?? e.weight ?? e.count) ?? 1;
    maxScore = Math.max(maxScore, score);
    const conf = num(e.confidence);
    const norm = (k: string) => (/^[0-9a-fA-F]{64}$/.test(k) ? k.toUpperCase() : k);
    edges.push({
      a: norm(a),
      b: norm(b),
      score,
      confidence: conf === null ? 1 : Math.min(1, Math.max(0, conf)),
    });
  }
  // One line per pair: the daemon may report a link once per direction or kind.
  const byPair = new Map<string, GraphEdge>();
  for (const e of edges) {
    const k = e.a < e.b ? `${e.a} ${e.b}` : `${e.b} ${e.a}`;
    const prev = byPair.get(k);
    byPair.set(
      k,
      prev
        ? {
            ...prev,
            score: Math.max(prev.score, e.score),
            confidence: Math.max(prev.confidence, e.confidence),
          }
        : e,
    );
  }
  const scale = maxScore > 0 ? maxScore : 1;
  return {
    nodes,
    edges: [...byPair.values()].map((e) => ({ ...e, score: Math.max(0, e.score / scale) })),
  };
}

export interface ChannelInfo {
  readonly name: string;
  readonly messages: number | null;
  readonly lastAt: number | null;
}

export function toChannel(v: unknown): ChannelInfo | null {
  if (typeof v === "string") return { name: v.slice(0, MAX_NAME), messages: null, lastAt: null };
  if (!isObj(v)) return null;
  const name = str(v.channel ?? v.name);
  if (!name) return null;
  const last = isObj(v.lastMessage) ? v.lastMessage : {};
  return {
    name,
    messages: num(v.recentMessages ?? v.messages ?? v.count),
    lastAt: time(last.receivedAt ?? v.lastAt),
  };
}

export interface ChannelMessage {
  readonly id: number;
  readonly hash: string;
  readonly channel: string;
  readonly sender: string;
  readonly text: string;
  readonly at: number;
}

export function toMessage(v: unknown): ChannelMessage | null {
  if (!isObj(v)) return null;
  const text = str(v.text, MAX_TEXT);
  if (text === null) return null;
  return {
    id: num(v.id) ?? 0,
    hash: str(v.hash, 64) ?? "",
    channel: str(v.channel) ?? "",
    sender: str(v.sender) ?? "",
    text,
    at: time(v.at ?? v.receivedAt) ?? 0,
  };
}
