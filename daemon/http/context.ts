/** What the routes share: dependencies, counters and the live hub. */
import type { Bus } from "../core/bus.ts";
import type { Logger } from "../core/log.ts";
import type { StoreApi } from "../store/api.ts";
import type { BasemapMode } from "./contract/index.ts";
import type { EngineName } from "./engine.ts";
import type { UwsLoad } from "./engine-uws.ts";
import type { HttpProviders } from "./ports.ts";
import type { WsHub, WsHubOptions } from "./ws-hub.ts";

/** The `http` config section (schema/config.schema.json). */
export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly engine: "auto" | "uws" | "node";
  /** Bearer token enabling actions; null disables them. */
  readonly token: string | null;
  /** Origins allowed to call the API from a browser; "*" for any. */
  readonly cors: readonly string[];
  readonly maxBodyBytes: number;
  /** Where the map's tiles come from; "online" when absent. */
  readonly basemap?: BasemapMode;
}

export interface HttpDeps {
  readonly config: HttpConfig;
  /** Folder with the built web UI (index.html + assets/), or null. */
  readonly staticDir: string | null;
  /** The offline basemap archive (`<dataDir>/map/basemap.pmtiles`), or null. */
  readonly basemapFile?: string | null;
  readonly bus: Bus;
  readonly log: Logger;
  readonly version: string;
  readonly store: StoreApi;
  readonly providers?: HttpProviders;
  /** Test and bench knobs for the WebSocket hub's backpressure limits. */
  readonly ws?: Partial<WsHubOptions>;
  /** Loads uWS (tests pass a failing loader to exercise the fallback). */
  readonly loadUws?: () => UwsLoad;
  /** Clock (ms epoch); tests pass a fixed one. */
  readonly now?: () => number;
}

/** Counters shown in /api/stats and /metrics. */
export class HttpCounters {
  requests = 0;
  readonly byStatus = new Map<number, number>();
  serverErrors = 0;
  authFailures = 0;
  authThrottled = 0;
  bodyTooLarge = 0;
  /** Packets seen on the bus since start, by payload type name. */
  readonly packetsByType = new Map<string, number>();

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
  }
}

export interface AppContext {
  readonly deps: HttpDeps;
  readonly hub: WsHub;
  readonly counters: HttpCounters;
  readonly startedAt: number;
  now(): number;
  engine(): EngineName | null;
  /** Why this engine runs (e.g. "uWS native build failed to load: ..."). */
  engineReason(): string;
}
