/**
 * The registry of meshgate's own retained summaries on `meshgate/{gateway}/…`.
 * One entry per message: its topic leaf, which interval ticks it, the JSON
 * schema it must match (schema/mqtt/) and a builder reading a per-tick
 * context. The publisher ticks the table and the schema test validates every
 * entry, so a new summary is an entry here, its schema and its docs.
 */
import type { SummaryPort } from "./ports.ts";
import {
  edgesMessage,
  type HealthInput,
  healthMessage,
  nodesMessage,
  type RadioSummary,
  type SummaryOptions,
  statsMessage,
} from "./summaries.ts";

/** What a builder may read during one tick; each part is computed at most once per tick. */
export interface SummaryTick {
  readonly now: number;
  readonly options: SummaryOptions;
  /** The mesh model and store side (parts missing when not wired). */
  readonly port: SummaryPort | undefined;
  radios(): readonly RadioSummary[];
  /** Traffic since the previous stats tick (closes the window). */
  traffic(): Record<string, unknown>;
  health(): HealthInput;
  /** Nodes new or updated since the previous node table (taken once). */
  changed(): { key: string; change: string }[];
  /** Tells the publisher how many nodes the model knows (Home Assistant's gauge). */
  nodeCount(n: number): void;
}

export interface SummaryDef {
  /** Topic leaf: the message goes to `meshgate/{gateway}/{topic}`, retained, QoS 1. */
  readonly topic: string;
  /** `stats` ticks every `intervalSec`, `graph` every `graphIntervalSec`. */
  readonly interval: "stats" | "graph";
  /** File name in schema/mqtt/ the message must match. */
  readonly schema: string;
  /** The message, or null to publish nothing this tick (e.g. its data is not wired). */
  build(t: SummaryTick): object | null | Promise<object | null>;
}

export const SUMMARIES: readonly SummaryDef[] = [
  {
    topic: "stats",
    interval: "stats",
    schema: "stats.schema.json",
    build: (t) => statsMessage(t.now, t.traffic(), t.radios()),
  },
  {
    topic: "health",
    interval: "stats",
    schema: "health.schema.json",
    build: (t) => healthMessage(t.now, t.health(), t.options),
  },
  {
    topic: "nodes",
    interval: "graph",
    schema: "nodes.schema.json",
    async build(t) {
      if (!t.port?.nodes) return null;
      const nodes = await t.port.nodes();
      t.nodeCount(nodes.length);
      return nodesMessage(t.now, nodes, t.changed(), t.options);
    },
  },
  {
    topic: "edges",
    interval: "graph",
    schema: "edges.schema.json",
    build: async (t) =>
      t.port?.edges ? edgesMessage(t.now, await t.port.edges(), t.options) : null,
  },
];
