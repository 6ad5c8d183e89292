/**
 * An edge as a plain object of its EdgeState fields, for comparing edges:
 * a graph's edges read their numbers through accessors over the graph's
 * rows (daemon/mesh/edge-record.ts), which a deep equality does not see.
 */
import type { EdgeState } from "../../../daemon/mesh/graph.ts";

export function plainEdge(e: EdgeState | undefined): EdgeState | undefined {
  if (!e) return undefined;
  return {
    a: e.a,
    b: e.b,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    sightings: e.sightings,
    observations: e.observations,
    score: e.score,
    scoreAt: e.scoreAt,
    hashSizes: e.hashSizes,
    kinds: e.kinds,
    snr: e.snr,
    rssi: e.rssi,
    res: e.res,
  };
}
