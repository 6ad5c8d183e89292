/** Adapters from the daemon's real parts to the HTTP ports. */
import type { MeshModel } from "../mesh/index.ts";
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

/** The mesh model as the HTTP layer's MeshPort. */
export function meshPortFrom(model: MeshModel): MeshPort {
  const readiness = (): MeshReadiness => {
    const p = model.progress();
    if (model.ready() && p.phase === "ready") return { ready: true, progress: 1 };
    const progress = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    // Rebuilding with new settings: the current state still answers meanwhile.
    if (model.ready()) return { ready: true, progress, detail: `rebuilding: ${p.phase}` };
    return { ready: false, progress, detail: p.phase };
  };
  return {
    readiness,
    sizes: () => model.sizes(),
    listNodes: () => model.nodes(),
    getNode: (key) => model.node(key),
    graph: (o) => model.graph(o),
    collisions: () => model.collisions(),
    analytics: (kind, range) => model.analytics(kind, range),
    resolvePath: (q) => model.resolveHops(q),
  };
}
