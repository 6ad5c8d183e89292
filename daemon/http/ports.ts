/**
 * What the HTTP layer needs from the rest of the daemon. Every port is
 * optional: the API answers what it can (503 or an empty answer with a reason)
 * when a provider is not wired. Answers are plain JSON-serialisable data.
 */
import type { RadioParams, RadioStatus } from "../core/types.ts";

export interface RadiosPort {
  list(): readonly RadioStatus[];
}

export interface MqttBrokerStatus {
  readonly name: string;
  readonly state: string;
  readonly connected: boolean;
  readonly lastError?: string | null;
  readonly counters?: Readonly<Record<string, number>>;
}

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

export interface MeshNodeFilter {
  readonly role?: string;
  readonly health?: string;
  readonly search?: string;
}

/**
 * The mesh model's read side. Lists are JSON objects that carry at least the
 * fields named here; anything else they carry is passed through untouched.
 */
export interface MeshPort {
  readiness(): MeshReadiness;
  /** Every node with `publicKey`, `lastSeen` (ms or ISO) and `health`. */
  listNodes(): readonly Readonly<Record<string, unknown>>[];
  /** Advert history, neighbours, paths, SNR history; null if unknown. */
  getNode(publicKey: string): Readonly<Record<string, unknown>> | null;
  /** Neighbour graph: nodes and edges with score and confidence. */
  graph(): { readonly nodes: readonly unknown[]; readonly edges: readonly unknown[] };
  /** Nodes whose path-hash prefixes collide. */
  collisions(): unknown;
  /** Time series for one metric over [since, until) in buckets. */
  analytics(q: AnalyticsQuery): unknown;
}

export type AnalyticsMetric = "traffic" | "rf" | "airtime";

export interface AnalyticsQuery {
  readonly metric: AnalyticsMetric;
  readonly since: number;
  readonly until: number;
  readonly bucketSec: number;
}

export interface HttpProviders {
  readonly mesh?: MeshPort;
  readonly radios?: RadiosPort;
  readonly mqtt?: MqttPort;
  readonly decode?: DecodePort;
  readonly actions?: ActionsPort;
}
