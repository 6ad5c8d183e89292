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
  type ApiGet,
  type BasemapInfo,
  type ChannelMessage,
  type ChannelSummary,
  type GraphView,
  isObj,
  type NodeDetail,
  type NodeSummary,
  type ObservedPacket,
  type Packet,
  type PacketDetail,
  type TransmissionGroup,
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

/** The 503 body while an index builds: `{error, progress: 0..1, detail}` (contract ErrorBody). */
export function toProgress(body: unknown): Progress {
  const o = isObj(body) ? body : {};
  const p = typeof o.progress === "number" ? Math.min(1, Math.max(0, o.progress)) : null;
  return {
    phase: typeof o.error === "string" ? o.error.slice(0, 100) : null,
    fraction: p,
    message: typeof o.detail === "string" ? o.detail.slice(0, 200) : null,
  };
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

  /** GET one contract route; `url` is its path with parameters and query filled in. */
  get<P extends keyof ApiGet>(_route: P, url: string): Promise<ApiResult<ApiGet[P]>> {
    return this.request(url, (b) => b as ApiGet[P]);
  }

  async health(): Promise<ApiResult<HealthView>> {
    return map(await this.get("/api/health", "/api/health"), toHealth);
  }

  async packets(limit: number, before?: number): Promise<ApiResult<Packet[]>> {
    const q = `limit=${Math.max(1, Math.min(1000, Math.floor(limit)))}${before ? `&before=${before}` : ""}`;
    const r = await this.get("/api/packets", `/api/packets?${q}`);
    // Without group=1 the items are observations.
    return map(r, (b) => (b.items as readonly ObservedPacket[]).map(toPacket));
  }

  async transmissions(limit: number): Promise<ApiResult<readonly TransmissionGroup[]>> {
    const r = await this.get("/api/packets", `/api/packets?group=1&limit=${limit}`);
    return map(r, (b) => b.items as readonly TransmissionGroup[]);
  }

  packet(hash: string): Promise<ApiResult<PacketDetail>> {
    return this.get("/api/packets/{hash}", `/api/packets/${encodeURIComponent(hash)}`);
  }

  async nodes(): Promise<ApiResult<readonly NodeSummary[]>> {
    return map(await this.get("/api/nodes", "/api/nodes?limit=5000"), (b) => b.items);
  }

  node(key: string): Promise<ApiResult<NodeDetail>> {
    return this.get("/api/nodes/{publicKey}", `/api/nodes/${encodeURIComponent(key)}`);
  }

  /** Where map tiles come from (the daemon's http.basemap). */
  basemap(): Promise<ApiResult<BasemapInfo>> {
    return this.get("/api/map/basemap", "/api/map/basemap");
  }

  graph(): Promise<ApiResult<GraphView>> {
    return this.get("/api/graph", "/api/graph");
  }

  async channels(): Promise<ApiResult<readonly ChannelSummary[]>> {
    return map(await this.get("/api/channels", "/api/channels"), (b) => b.items);
  }

  /** Newest `limit` messages of a channel, oldest first (reading order). */
  async channelMessages(name: string, limit = 200): Promise<ApiResult<ChannelMessage[]>> {
    const r = await this.get(
      "/api/channels/messages",
      `/api/channels/messages?channel=${encodeURIComponent(name)}&limit=${limit}`,
    );
    return map(r, (b) => [...b.items].reverse());
  }

  async radios(): Promise<ApiResult<RadioView[]>> {
    return map(await this.get("/api/radios", "/api/radios"), (b) => b.items.map(toRadio));
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
    const r = await this.get("/api/analytics", "/api/analytics?kind=packets&range=1h");
    return map(r, (b) => {
      const points = b.points ?? [];
      return [points.map((p) => (p.t ?? 0) / 1000), points.map((p) => p.observations ?? 0)];
    });
  }

  async mqtt(): Promise<ApiResult<MqttView[]>> {
    return map(await this.get("/api/mqtt", "/api/mqtt"), toMqtt);
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

function map<T, U>(r: ApiResult<T>, f: (t: T) => U): ApiResult<U> {
  return r.kind === "ok" ? { kind: "ok", data: f(r.data) } : r;
}

/** The contract's ErrorBody message. */
function errorText(body: unknown): string | null {
  return isObj(body) && typeof body.error === "string" ? body.error.slice(0, 200) : null;
}
