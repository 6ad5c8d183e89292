/**
 * What the HTTP layer needs from the rest of the daemon. Every port is
 * optional: the API answers what it can (503 or an empty answer with a reason)
 * when a provider is not wired. Each port's methods are all required.
 */
import type { RadioParams, RadioStatus } from "../core/types.ts";
import type {
  AnalyticsResult,
  CollisionReport,
  GraphView,
  NodeDetail as MeshNodeDetail,
  MeshSizes,
  NodeHealth,
  PathHop,
  PathQuery,
} from "../mesh/index.ts";
import type { MqttBroker } from "./contract/misc.ts";
import type { AdminPort, SettingsPort, SystemPort } from "./setup-ports.ts";

export interface RadiosPort {
  list(): readonly RadioStatus[];
}

/** One broker's state: the contract's shape (GET /api/mqtt, `/ws` mqtt events). */
export type MqttBrokerStatus = MqttBroker;

export interface MqttPort {
  status(): readonly MqttBrokerStatus[];
}

/** Decoder answer: the protocol module's `toJson` and `breakdown` output. */
export type DecodeAnswer =
  | { readonly ok: true; readonly packet: unknown; readonly breakdown: unknown }
  | { readonly ok: false; readonly error: string; readonly breakdown?: unknown };

export interface DecodePort {
  decode(raw: Uint8Array): DecodeAnswer;
}

export type ActionResult =
  | { readonly ok: true; readonly detail?: unknown }
  | { readonly ok: false; readonly error: string; readonly code?: string };

export interface ActionsPort {
  sendChannelMessage(req: { channel: string; text: string }): Promise<ActionResult>;
  sendAdvert(req: { flood: boolean }): Promise<ActionResult>;
  addChannelKey(req: { name: string; key: string | null }): Promise<ActionResult>;
  removeChannelKey(req: { name: string }): Promise<ActionResult>;
  setRadioParams(req: { radioId: string; params: RadioParams }): Promise<ActionResult>;
}

/** Index readiness of the mesh model (it builds in the background). */
export interface MeshReadiness {
  readonly ready: boolean;
  /** 0..1 while building. */
  readonly progress: number;
  readonly detail?: string;
}

export interface GraphQuery {
  readonly minConfidence?: number;
  readonly minSightings?: number;
  readonly resolvedOnly?: boolean;
  readonly limit?: number;
}

/** Analytics series the mesh model computes (traffic, RF, airtime). */
export const ANALYTICS_KINDS = [
  "packets",
  "types",
  "routes",
  "hashSizes",
  "hops",
  "airtime",
  "snr",
  "rssi",
  "duty",
] as const;
export const ANALYTICS_RANGES = ["1h", "24h", "7d", "30d"] as const;

/**
 * The mesh model's read side (daemon/mesh's MeshModel): its own answer
 * types; the routes turn them into the API contract (./contract/).
 */
export interface MeshPort {
  readiness(): MeshReadiness;
  /** Nodes, evidence edges and path tokens the model holds now. */
  sizes(): MeshSizes;
  listNodes(): readonly NodeHealth[];
  /** Health, neighbours and prefix sharing; null if unknown. */
  getNode(publicKey: string): MeshNodeDetail | null;
  /** Neighbour graph: nodes and edges with score and confidence. */
  graph(q: GraphQuery): GraphView;
  /** Nodes whose path-hash prefixes collide. */
  collisions(): CollisionReport;
  /** One series over a fixed range; null when the model cannot answer it. */
  analytics(
    kind: (typeof ANALYTICS_KINDS)[number],
    range: (typeof ANALYTICS_RANGES)[number],
  ): AnalyticsResult | null;
  /** A packet's hops resolved to known nodes. */
  resolvePath(q: PathQuery): readonly PathHop[];
}

/** The running configuration, for the UI's "about" page (secrets are masked by the API). */
export interface ConfigPort {
  get(): unknown;
}

/** Ingest counters (received, stored, decode errors, drops, queue depth). */
export interface IngestPort {
  counters(): Readonly<Record<string, number>>;
}

/** Free space where the store lives (bytes), null until first read. */
export interface DiskPort {
  usage(): { readonly freeBytes: number; readonly totalBytes: number } | null;
}

export interface HttpProviders {
  readonly config?: ConfigPort;
  readonly disk?: DiskPort;
  readonly ingest?: IngestPort;
  readonly mesh?: MeshPort;
  readonly radios?: RadiosPort;
  readonly mqtt?: MqttPort;
  readonly decode?: DecodePort;
  readonly actions?: ActionsPort;
  /** First-run claim, settings and admin tools (setup-ports.ts). */
  readonly admin?: AdminPort;
  readonly settings?: SettingsPort;
  readonly system?: SystemPort;
}
