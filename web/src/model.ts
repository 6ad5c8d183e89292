/**
 * The UI's data: the daemon's API contract (daemon/http/contract), imported
 * as types, plus the few derived shapes pages share. No field guessing: a
 * shape change in the daemon fails the type check of both sides.
 */
import type { GraphView, ObservedPacket } from "../../daemon/http/contract/index.ts";

export type * from "../../daemon/http/contract/index.ts";
export { MAX_CHANNEL_TEXT_BYTES } from "../../daemon/http/contract/index.ts";

type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An observation as the pages use it: the contract's, with the receive time parsed once. */
export interface Packet extends ObservedPacket {
  /** `receivedAt` as ms since the epoch. */
  readonly at: number;
}

export function toPacket(p: ObservedPacket): Packet {
  return { ...p, at: Date.parse(p.receivedAt) };
}

/**
 * Whether a /ws message's data is an observation: the socket is a trust
 * boundary (a proxy or an older daemon may send anything), so the fields
 * the pages index by are checked before use.
 */
export function isObserved(v: unknown): v is ObservedPacket {
  return (
    isObj(v) &&
    typeof v.id === "number" &&
    typeof v.hash === "string" &&
    typeof v.receivedAt === "string" &&
    Array.isArray(v.hops) &&
    isObj(v.path) &&
    Array.isArray(v.path.resolved)
  );
}

export interface GraphEdgeView {
  readonly a: string;
  readonly b: string;
  /** 0..1 after normalising: line thickness. */
  readonly score: number;
  /** 0..1: opacity; low-confidence edges are drawn faint and dashed. */
  readonly confidence: number;
}

/** One line per node pair with scores scaled to 0..1 (the graph has one edge per pair already). */
export function graphEdges(g: GraphView): GraphEdgeView[] {
  const max = g.edges.reduce((m, e) => Math.max(m, e.score), 0) || 1;
  return g.edges
    .filter((e) => e.a !== e.b)
    .map((e) => ({
      a: e.a,
      b: e.b,
      score: Math.max(0, e.score / max),
      confidence: Math.min(1, Math.max(0, e.confidence)),
    }));
}

/** 0,0 is what firmware sends when a node has no fix; treat it as none. */
export function hasPosition<T extends { lat: number | null; lon: number | null }>(
  n: T,
): n is T & { lat: number; lon: number } {
  return n.lat !== null && n.lon !== null && !(n.lat === 0 && n.lon === 0);
}
