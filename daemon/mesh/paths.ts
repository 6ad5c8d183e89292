/**
 * A packet's path hops named as the model currently resolves them, for the
 * API (`path.resolved`). A hop takes the answer of the evidence edges it sits
 * on in this very path (its neighbours in the path, the advert's originator,
 * the receiving radio), the surest one winning; a hop on no known edge takes
 * its lone strong match, else stays unnamed.
 */
import { isResolvedId } from "./graph.ts";
import { rolePrior, UNKNOWN_WEIGHT, uniqueKey } from "./resolve.ts";
import type { MeshState } from "./state.ts";
import { isFlood } from "./types.ts";

export interface PathHop {
  /** The hop as heard, lower hex. */
  readonly prefix: string;
  /** Upper-hex key of the node it stands for, or null when not resolved. */
  readonly publicKey: string | null;
  /** That node's name (cleaned and bounded), when known. */
  readonly name: string | null;
  /** 0..1: how sure the model is (0 when unresolved). */
  readonly confidence: number;
}

export interface PathQuery {
  readonly hops: readonly string[];
  /** Route type number (0..3); flood paths end at the receiving radio. */
  readonly route?: number;
  /** The receiving radio's id (links the last hop of a flood). */
  readonly radioId?: string;
  /** An advert's originator (links the first hop). */
  readonly originKey?: string | null;
}

const HOP = /^(?:[0-9a-f]{2}){1,3}$/;

export function resolveHops(s: MeshState, q: PathQuery): PathHop[] {
  const hops = q.hops.slice(0, 64).map((h) => String(h).toLowerCase());
  const toks = hops.map((h) => `?${h}`);
  const flood = q.route === undefined || isFlood(q.route);
  const left = flood && q.originKey ? q.originKey.toUpperCase() : null;
  const right = flood && q.radioId ? `@${q.radioId}` : null;
  return hops.map((prefix, i) => {
    if (!HOP.test(prefix)) return { prefix, publicKey: null, name: null, confidence: 0 };
    const t = toks[i]!;
    const around = [i > 0 ? toks[i - 1]! : left, i + 1 < toks.length ? toks[i + 1]! : right];
    let key: string | null = null;
    let conf = 0;
    for (const o of around) {
      // A twin next to its twin: the edge names both, but not which is which.
      if (o === null || o === t) continue;
      const e = s.graph.get(t, o);
      const r = e?.res;
      if (!e || !r) continue;
      const id = e.a === t ? r.a : r.b;
      if (isResolvedId(id) && r.confidence > conf) {
        key = id;
        conf = r.confidence;
      }
    }
    if (key === null) {
      const u = uniqueKey(t, s.ctx);
      if (u !== null) {
        const w = rolePrior(s.nodes.info(u)?.role);
        key = u;
        conf = w / (w + UNKNOWN_WEIGHT[Math.min(3, prefix.length / 2) as 1 | 2 | 3]);
      }
    }
    return {
      prefix,
      publicKey: key,
      name: key ? (s.nodes.get(key)?.name ?? null) : null,
      confidence: Math.round(conf * 1000) / 1000,
    };
  });
}
