/**
 * What the MQTT uplink needs from the rest of the daemon, as small interfaces
 * ("ports") so it can be wired to the real store, radios and mesh model, or
 * to plain objects in tests.
 */
import type { RadioParams, RadioStats } from "../core/types.ts";
import type { StoreApi } from "../store/api.ts";

/** The store's persistent outbox (the subset of StoreApi this module uses). */
export type OutboxPort = Pick<
  StoreApi,
  "outboxEnqueue" | "outboxPeek" | "outboxAck" | "outboxStats"
>;

/** What the uplink knows about one of the gateway's radios. */
export interface RadioInfo {
  /** Upper-case hex public key of the radio's node identity, null until known. */
  readonly publicKey: string | null;
  readonly name: string | null;
  readonly params: RadioParams | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly stats: RadioStats | null;
  /** Link state ("up", "connecting", ...) when known. */
  readonly state?: string;
}

export interface RadiosPort {
  get(radioId: string): RadioInfo | null;
  /** Ids of all configured radios (optional: else learnt from bus events). */
  list?(): readonly string[];
}

/** Ed25519 signer with a radio's own node key. */
export type Signer = (msg: Uint8Array) => Promise<Uint8Array>;
export type SignerPort = (radioId: string) => Signer | null;

/** One node of the mesh model, as the summaries publish it. */
export interface SummaryNode {
  readonly publicKey: string;
  readonly name: string | null;
  /** 1 chat, 2 repeater, 3 room, 4 sensor (0 unknown). */
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
  /** ms epoch. */
  readonly lastSeen: number;
}

/** One neighbour edge of the mesh model. */
export interface SummaryEdge {
  /** Upper-hex keys or prefixes of the two ends. */
  readonly a: string;
  readonly b: string;
  /** 0..1 confidence / link quality as the mesh model scores it. */
  readonly score: number;
  readonly count: number;
  readonly lastSeen: number;
}

/** Where the summaries take their data (all optional: missing parts are skipped). */
export interface SummaryPort {
  nodes?(): readonly SummaryNode[] | Promise<readonly SummaryNode[]>;
  edges?(): readonly SummaryEdge[] | Promise<readonly SummaryEdge[]>;
  /** Extra gateway health fields (store, ingest, ...), flat numbers/strings. */
  health?(): Readonly<Record<string, string | number | boolean | null>>;
}

/** Wall clock in ms; injectable for tests. */
export type Now = () => number;
