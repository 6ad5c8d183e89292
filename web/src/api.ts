/**
 * A small typed client for meshgate's HTTP API. Every call answers a value,
 * never throws: endpoints that are absent (404/405/501) read as "missing" so
 * a page can say "not available" and keep working; a daemon still building
 * its indexes answers 503 with Retry-After and a progress body, which reads
 * as "building" so pages show the progress instead of an error.
 */

import {
  type HealthView,
  type MqttView,
  type RadioView,
  toHealth,
  toMqtt,
  toRadio,
} from "./health.ts";
import {
  type ChannelInfo,
  type ChannelMessage,
  type GraphData,
  isObj,
  list,
  type NodeInfo,
  num,
  type Packet,
  str,
  time,
  toChannel,
  toGraph,
  toMessage,
  toNode,
  toPacket,
} from "./model.ts";

export interface Progress {
  readonly phase: string | null;
  /** 0..1 when the daemon says how far it is. */
  readonly fraction: number | null;
  readonly message: string | null;
}

export type ApiResult<T> =
  | { readonly kind: "ok"; readonly data: T }
  | { readonly kind: "missing"; readonly status: number; readonly message: string | null }
  | { readonly kind: "building"; readonly retryAfterSec: number; readonly progress: Progress }
  | { readonly kind: "unauthorized"; readonly status: number; readonly message: string | null }
  | { readonly kind: "error"; readonly message: string; readonly status: number | null };

export function toProgress(body: unknown): Progress {
  const o = isObj(body) ? (isObj(body.progress) ? body.progress : body) : {};
  // meshgate sends {error, progress: 0..1, detail}; older shapes nest it.
  let fraction = num(o.fraction) ?? (isObj(body) ? num(body.progress) : null);
  const pct = num(o.percent);
  if (fraction === null && pct !== null) fraction = pct / 100;
  const done = num(o.done);
  const total = num(o.total);
  if (fraction === null && done !== null && total) fraction = done / total;
  if (fraction !== null) fraction = Math.min(1, Math.max(0, fraction));
  const phase = str(o.phase ?? o.task ?? (isObj(body) ? body.error : null), 100);
  return { phase, fraction, message: str(o.detail ?? o.message, 200) };
}

export interface PacketDetail {
  readonly hash: string;
  /** Decoded fields as the daemon reports them (rendered as a key/value tree). */
  readonly decoded: unknown;
  readonly observations: readonly Packet[];
}

export interface AdvertSeen {
  readonly hash: string;
  readonly at: number;
  readonly snr: number | null;
  readonly hops: number | null;
}

export interface NodeDetail {
  readonly node: NodeInfo;
  readonly adverts: readonly AdvertSeen[];
  readonly neighbours: readonly { key: string; name: string | null; score: number | null }[];
  /** [ms epoch, snr dB] pairs, oldest first. */
  readonly snrHistory: readonly (readonly [number, number])[];
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Bodies past this are refused rather than parsed: the UI runs on phones. */
const MAX_BODY = 8 * 1024 * 1024;

export class Api {
  private paths: Promise<Set<string>> | null = null;

  constructor(
    private readonly base = "",
    private readonly fetchFn: FetchFn = (i, init) => fetch(i, init),
  ) {}

  async request<T>(
    path: string,
    map: (body: unknown) => T,
    init?: RequestInit,
  ): Promise<ApiResult<T>> {
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        ...init,
        headers: { accept: "application/json", ...(init?.headers ?? {}) },
      });
    } catch (err) {
      return {
        kind: "error",
        message: `daemon unreachable (${String(err).slice(0, 100)})`,
        status: null,
      };
    }
    const text = await res.text().catch(() => "");
    let body: unknown = null;
    if (text.length > 0 && text.length <= MAX_BODY) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (res.status === 503) {
      // With Retry-After: still starting, come back. Without: not wired here.
      if (!res.headers.has("retry-after")) {
        return { kind: "missing", status: 503, message: errorText(body) };
      }
      const ra = Number(res.headers.get("retry-after"));
      return {
        kind: "building",
        retryAfterSec: Number.isFinite(ra) && ra > 0 ? Math.min(ra, 60) : 2,
        progress: toProgress(body),
      };
    }
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      return { kind: "missing", status: res.status, message: errorText(body) };
    }
    if (res.status === 401 || res.status === 403) {
      return { kind: "unauthorized", status: res.status, message: errorText(body) };
    }
    if (!res.ok) {
      return {
        kind: "error",
        message: errorText(body) ?? `HTTP ${res.status}`,
        status: res.status,
      };
    }
    if (text.length > MAX_BODY)
      return { kind: "error", message: "response too large", status: res.status };
    try {
      return { kind: "ok", data: map(body) };
    } catch (err) {
      return {
        kind: "error",
        message: `unexpected response: ${String(err).slice(0, 100)}`,
        status: res.status,
      };
    }
  }

  health(): Promise<ApiResult<HealthView>> {
    return this.request("/api/health", toHealth);
  }

  packets(limit: number, before?: number): Promise<ApiResult<Packet[]>> {
    const q = `limit=${Math.max(1, Math.min(5000, Math.floor(limit)))}${before ? `&before=${before}` : ""}`;
    return this.request(`/api/packets?${q}`, (b) => list(b).map(toPacket).filter(isPresent));
  }

  packet(hash: string): Promise<ApiResult<PacketDetail>> {
    return this.request(`/api/packets/${encodeURIComponent(hash)}`, (b) => {
      const o = isObj(b) ? b : {};
      return {
        hash: str(o.hash, 64) ?? hash,
        decoded: o.decoded ?? null,
        observations: list(o.observations ?? o.items)
          .map(toPacket)
          .filter(isPresent),
      };
    });
  }

  nodes(): Promise<ApiResult<NodeInfo[]>> {
    return this.request("/api/nodes?limit=5000", (b) =>
      list(b, "nodes").map(toNode).filter(isPresent),
    );
  }

  node(key: string): Promise<ApiResult<NodeDetail>> {
    return this.request(`/api/nodes/${encodeURIComponent(key)}`, (b) => toNodeDetail(b, key));
  }

  graph(): Promise<ApiResult<GraphData>> {
    return this.request("/api/graph", toGraph);
  }

  channels(): Promise<ApiResult<ChannelInfo[]>> {
    return this.request("/api/channels", (b) =>
      list(b, "channels").map(toChannel).filter(isPresent),
    );
  }

  channelMessages(name: string, limit = 200): Promise<ApiResult<ChannelMessage[]>> {
    return this.request(
      `/api/channels/messages?channel=${encodeURIComponent(name)}&limit=${limit}`,
      (b) => list(b, "messages").map(toMessage).filter(isPresent),
    );
  }

  radios(): Promise<ApiResult<RadioView[]>> {
    return this.request("/api/radios", (b) => list(b, "radios").map(toRadio).filter(isPresent));
  }

  /** Full radio status; older daemons only report radios inside /api/health. */
  async radiosAnywhere(): Promise<ApiResult<RadioView[]>> {
    const r = await this.radios();
    if (r.kind !== "missing" && !(r.kind === "ok" && r.data.length === 0)) return r;
    const h = await this.health();
    return h.kind === "ok" ? { kind: "ok", data: [...h.data.radios] } : r;
  }

  /**
   * Whether the daemon documents an endpoint (GET /api/openapi.json), so the
   * UI can skip asking for what is not there instead of logging 404s.
   */
  async has(path: string): Promise<boolean> {
    this.paths ??= this.request("/api/openapi.json", (b) =>
      isObj(b) && isObj(b.paths) ? new Set(Object.keys(b.paths)) : new Set<string>(),
    ).then((r) => (r.kind === "ok" ? r.data : new Set<string>()));
    return (await this.paths).has(path);
  }

  /**
   * Observations per minute over the last hour from the daemon's rollups
   * (GET /api/analytics?kind=packets&range=1h): [unix seconds[], counts[]].
   */
  async trafficLastHour(): Promise<ApiResult<[number[], number[]]>> {
    if (!(await this.has("/api/analytics"))) return { kind: "missing", status: 404, message: null };
    return this.request("/api/analytics?kind=packets&range=1h", (b) => {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const p of list(b, "points")) {
        if (!isObj(p)) continue;
        const t = time(p.t);
        const n = num(p.observations);
        if (t === null || n === null) continue;
        xs.push(t / 1000);
        ys.push(n);
      }
      return [xs, ys];
    });
  }

  mqtt(): Promise<ApiResult<MqttView[]>> {
    return this.request("/api/mqtt", toMqtt);
  }

  /** Config summary as the daemon reports it (the daemon removes secrets). */
  async config(): Promise<ApiResult<unknown>> {
    if (!(await this.has("/api/config"))) return { kind: "missing", status: 404, message: null };
    return this.request("/api/config", (b) => b);
  }

  sendChannelMessage(channel: string, text: string, token: string): Promise<ApiResult<unknown>> {
    return this.request("/api/actions/channel-message", (b) => b, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ channel, text }),
    });
  }
}

function isPresent<T>(v: T | null): v is T {
  return v !== null;
}

function errorText(body: unknown): string | null {
  if (!isObj(body)) return null;
  const e = body.error;
  if (isObj(e)) return str(e.message ?? e.code, 200);
  return str(e ?? body.message, 200);
}

export function toNodeDetail(b: unknown, key: string): NodeDetail {
  const o = isObj(b) ? b : {};
  const node = toNode(isObj(o.node) ? o.node : o) ?? {
    publicKey: key,
    name: null,
    role: "unknown",
    lat: null,
    lon: null,
    firstSeen: null,
    lastSeen: null,
    advertCount: null,
    snr: null,
    hops: null,
    health: null,
  };
  const neighbours = list(o.neighbours ?? o.neighbors)
    .map((n) => {
      if (!isObj(n)) return null;
      // Either {publicKey, name, score} or a graph edge {a, b, score}.
      const ab =
        typeof n.a === "string" && typeof n.b === "string"
          ? n.a.toUpperCase() === key
            ? n.b
            : n.a
          : null;
      const k = str(n.publicKey ?? n.key ?? ab, 64);
      return k
        ? {
            key: /^[0-9a-fA-F]+$/.test(k) ? k.toUpperCase() : k,
            name: str(n.name),
            score: num(n.score),
          }
        : null;
    })
    .filter(isPresent);
  const snrHistory: [number, number][] = [];
  for (const p of list(o.snrHistory)) {
    const t = Array.isArray(p) ? p[0] : isObj(p) ? (p.at ?? p.t) : null;
    const s = Array.isArray(p) ? p[1] : isObj(p) ? p.snr : null;
    const tm =
      typeof t === "number"
        ? t < 1e11
          ? t * 1000
          : t
        : typeof t === "string"
          ? Date.parse(t)
          : Number.NaN;
    if (Number.isFinite(tm) && typeof s === "number" && Number.isFinite(s))
      snrHistory.push([tm, s]);
  }
  snrHistory.sort((x, y) => x[0] - y[0]);
  const adverts = list(o.advertHistory ?? o.adverts)
    .map((a): AdvertSeen | null => {
      if (!isObj(a)) return null;
      const hash = str(a.hash, 64);
      if (!hash) return null;
      const hops = Array.isArray(a.hops) ? a.hops.length : num(a.hops);
      return { hash, at: time(a.receivedAt ?? a.at) ?? 0, snr: num(a.snr), hops };
    })
    .filter(isPresent);
  return { node, adverts, neighbours, snrHistory };
}
