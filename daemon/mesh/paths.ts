/**
 * A stored packet's path resolved to nodes, as the model sees the mesh now:
 * the same resolver and context the live fold uses (state.ts), so the API
 * names the same nodes the graph links. Read-only; O(path length).
 */
import { resolvePath } from "./resolve.ts";
import type { MeshState } from "./state.ts";
import { isFlood } from "./types.ts";

export interface PathQuery {
  /** Hops as heard, lower hex. */
  readonly hops: readonly string[];
  readonly hashSize: number;
  /** Route type number (flood routes give the originator and receiver as anchors). */
  readonly route: number;
  /** Upper-hex key of the advert's originator, when the packet is an advert. */
  readonly originKey: string | null;
  /** Upper-hex key of the radio that heard it, when known. */
  readonly radioKey: string | null;
}

export interface PathHop {
  readonly prefix: string;
  /** Upper-hex key, or null when the hop stays an unresolved prefix. */
  readonly key: string | null;
  readonly name: string | null;
  /** 0..1; 0 when unresolved. */
  readonly confidence: number;
}

const MAX_HOPS = 64;
const HEX = /^[0-9a-f]+$/;

export function resolvedPath(s: MeshState, q: PathQuery): PathHop[] {
  const hops = q.hops.slice(0, MAX_HOPS).map((h) => h.toLowerCase());
  const size = Math.min(3, Math.max(1, q.hashSize));
  // Bad hops (wrong width, not hex) are shown as heard and never looked up.
  if (hops.some((h) => h.length !== size * 2 || !HEX.test(h))) {
    return hops.map((prefix) => ({ prefix, key: null, name: null, confidence: 0 }));
  }
  const flood = isFlood(q.route);
  const known = (k: string | null) => (k && s.nodes.get(k.toUpperCase()) ? k.toUpperCase() : null);
  const resolved = resolvePath(
    hops,
    size,
    flood ? known(q.originKey) : null,
    flood ? known(q.radioKey) : null,
    s.ctx,
  );
  return resolved.map((r) => {
    const ok = r.key !== null && r.confidence >= s.cfg.minResolveConfidence;
    return {
      prefix: r.prefix,
      key: ok ? r.key : null,
      name: ok && r.key ? (s.nodes.get(r.key)?.name ?? null) : null,
      confidence: ok ? Math.round(r.confidence * 1000) / 1000 : 0,
    };
  });
}
