/**
 * Adapters from the daemon's real parts to the HTTP ports. They are
 * structural (no import of the mesh model's classes) and tolerant: a method
 * the model does not have yet, or one that throws, degrades one endpoint
 * instead of breaking the API.
 */
import { breakdown, type DecodeContext, decodePacket, toJson } from "../protocol/index.ts";
import type { DecodePort, MeshPort, MeshReadiness } from "./ports.ts";

/** The protocol module's decode + toJson + breakdown as a DecodePort. */
export function protocolDecoder(ctx: DecodeContext | (() => DecodeContext)): DecodePort {
  // A getter lets channel keys added at run time take effect at once.
  const context = typeof ctx === "function" ? ctx : () => ctx;
  return {
    decode(raw) {
      const r = decodePacket(raw, context());
      const ranges = breakdown(raw, r);
      if (r.ok) return { ok: true, packet: toJson(r), breakdown: ranges };
      return {
        ok: false,
        error: `${r.error.code}: ${r.error.message}`,
        breakdown: ranges,
        packet: toJson(r),
      };
    },
  };
}

type Rec = Readonly<Record<string, unknown>>;

/** What the HTTP layer uses of daemon/mesh's MeshModel (every member optional). */
export interface MeshModelLike {
  ready?(): boolean;
  progress?(): { readonly phase?: string; readonly done?: number; readonly total?: number };
  nodes?(): readonly object[];
  node?(publicKey: string): object | null;
  graph?(o?: {
    minConfidence?: number;
    minSightings?: number;
    resolvedOnly?: boolean;
    limit?: number;
  }): {
    readonly nodes: readonly unknown[];
    readonly edges: readonly unknown[];
  };
  collisions?(limit?: number): unknown;
  analytics?(kind: never, range: never): unknown;
}

export function meshPortFrom(model: MeshModelLike): MeshPort {
  const readiness = (): MeshReadiness => {
    const ready = model.ready ? model.ready() : true;
    if (ready) return { ready: true, progress: 1 };
    const p = model.progress?.();
    const total = p?.total ?? 0;
    const done = p?.done ?? 0;
    return {
      ready: false,
      progress: total > 0 ? Math.min(1, done / total) : 0,
      ...(p?.phase !== undefined && { detail: p.phase }),
    };
  };
  return {
    readiness,
    listNodes: () => (model.nodes ? (model.nodes() as readonly Rec[]) : []),
    getNode: (key) => (model.node ? (model.node(key) as Rec | null) : null),
    graph: (o) => (model.graph ? model.graph(o) : { nodes: [], edges: [] }),
    collisions: () => (model.collisions ? model.collisions() : { collisions: [] }),
    analytics: (kind, range) =>
      model.analytics
        ? ((model.analytics as (k: string, r: string) => unknown)(kind, range) ?? null)
        : null,
  };
}
