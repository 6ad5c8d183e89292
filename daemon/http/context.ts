/** What the routes share: dependencies, counters and the live hub. */
import type { Bus } from "../core/bus.ts";
import type { HTTP_SCHEMA } from "../core/http-config-schema.ts";
import type { Logger } from "../core/log.ts";
import type { FromSchema } from "../core/schema-type.ts";
import type { TrafficTally } from "../mesh/analytics.ts";
import type { StoreApi } from "../store/api.ts";
import type { EngineName } from "./engine.ts";
import type { UwsLoad } from "./engine-uws.ts";
import type { HttpProviders } from "./ports.ts";
import type { WsHub, WsHubOptions } from "./ws-hub.ts";

/** The `http` config section (core/http-config-schema.ts), defaults applied. */
export type HttpConfig = Readonly<FromSchema<typeof HTTP_SCHEMA>>;

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
  /** The daemon's traffic tally; without one the server counts the bus packets itself. */
  readonly traffic?: TrafficTally;
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

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
  }
}

export interface AppContext {
  readonly deps: HttpDeps;
  readonly hub: WsHub;
  readonly counters: HttpCounters;
  /** Traffic since start, read by /api/stats and /metrics. */
  readonly traffic: TrafficTally;
  readonly startedAt: number;
  now(): number;
  engine(): EngineName | null;
  /** Why this engine runs (e.g. "uWS native build failed to load: ..."). */
  engineReason(): string;
}
