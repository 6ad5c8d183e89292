/**
 * Hop resolution: which known nodes does an edge between two path tokens
 * join? A token is a full key (an advert's originator), a receiving radio
 * (`@id`, mapped to its key through the radio table) or a 1-3 byte path
 * hash (`?a1`). Each end of an edge is weighed jointly with the other:
 * role (only repeaters and room servers relay by default), certain links
 * already seen between the two candidates, and their distance (a link longer
 * than `maxLinkKm` is implausible). "A node nobody has heard of" competes as
 * well. The result is a pure function of the tokens, the node table and the
 * certain links, so the live model and a rebuild reach the same answer.
 */
import { distanceKm, type PrefixIndex } from "./prefix-index.ts";

export interface NodeInfo {
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
}

export interface ResolveContext {
  readonly index: PrefixIndex;
  nodeInfo(key: string): NodeInfo | undefined;
  /** Certain sightings of the link x-y (both full keys); 0 when none. */
  certain(x: string, y: string): number;
  /** Key of a receiving radio, when known. */
  radioKey(radioId: string): string | null;
  readonly maxLinkKm: number;
  /** Typical link length in this mesh (km), learnt from certain links; null until learnt. */
  typicalLinkKm(): number | null;
  readonly minConfidence: number;
}

/** How one edge between two tokens resolves. */
export interface EdgeResolution {
  /** Display id of each end: a full key, `?prefix` or `@radio` (radio key unknown). */
  readonly a: string;
  readonly b: string;
  /**
   * Probability that the most likely pair of known nodes for this edge is the
   * right one (0 when an end matches no known node). Resolved ends are at or
   * above `minConfidence` on their own; a bare prefix end drags this down.
   */
  readonly confidence: number;
  /** Both ends known without weighing (full keys, radios, or a lone strong match). */
  readonly sure: boolean;
  /** How the ends were settled (for counters). */
  readonly how: ResolutionHow;
}

/** The ways an edge's ends are settled (EdgeResolution.how). */
export const RESOLUTION_HOWS = ["fixed", "unique", "context", "ambiguous", "unknown"] as const;
export type ResolutionHow = (typeof RESOLUTION_HOWS)[number];

/**
 * Weight of "a node the gateway has never heard of" among the candidates, by
 * hash size: an unheard repeater easily shares a 1-byte prefix, rarely a
 * 3-byte one. With it a lone repeater match is 1 / (1 + 0.11) = 0.9 sure for
 * 1 byte, and a lone chat-node match (prior 0.05) only 0.31: hops are relays,
 * so it more likely stands for an unheard repeater.
 */
export const UNKNOWN_WEIGHT = [0, 0.11, 0.02, 0.001] as const;
/** Confidence left to a link between two known ends further apart than maxLinkKm. */
const IMPLAUSIBLE = 0.05;
/** The distance factor an unheard node is assumed to have (a typical neighbour's). */
const UNKNOWN_DISTANCE = 0.5;
/**
 * Distance weighs 1 / (1 + (d / scale)^4), scale = SCALE x the mean length of
 * certain links: flat out to about one typical link, then falling fast, with
 * a polynomial (not Gaussian) tail so long hilltop links stay possible.
 * Power 4 and 1.2 were chosen with bench/mesh-accuracy.ts (power 2 and 1.5
 * left a third more true links unresolved at the same precision).
 */
const SCALE = 1.2;
/** Candidates weighed per end, the most likely by role first (bounds the work on huge meshes). */
const MAX_CANDIDATES = 24;

/** Relay likelihood by role: clients repeat only when configured to (v1.17 client-repeat). */
export function rolePrior(role: number | undefined): number {
  switch (role) {
    case 2:
      return 1;
    case 3:
      return 0.5;
    case 1:
    case 4:
      return 0.05;
    default:
      return 0.3;
  }
}

/** Coordinates that are real numbers and not the firmware's "unset" 0, 0. */
export function hasPosition<
  T extends { readonly lat?: number | null; readonly lon?: number | null },
>(n: T | undefined): n is T & { lat: number; lon: number } {
  return (
    n !== undefined &&
    typeof n.lat === "number" &&
    typeof n.lon === "number" &&
    Number.isFinite(n.lat) &&
    Number.isFinite(n.lon) &&
    !(n.lat === 0 && n.lon === 0)
  );
}

export function isPrefixToken(t: string): boolean {
  return t.charCodeAt(0) === 63; // "?"
}

export function isRadioToken(t: string): boolean {
  return t.charCodeAt(0) === 64; // "@"
}

/** Hash size in bytes of a prefix token (`?a1` = 1). */
export function tokenBytes(t: string): 1 | 2 | 3 {
  const b = (t.length - 1) >> 1;
  return b <= 1 ? 1 : b >= 3 ? 3 : 2;
}

interface Option {
  /** Full key, or null for "a node nobody has heard of". */
  readonly key: string | null;
  readonly w: number;
  /** The key's node, looked up once here rather than for every pair it is weighed in. */
  readonly info: NodeInfo | undefined;
}

/** The id a token stands for when no weighing is needed, else null. */
export function fixedId(t: string, ctx: ResolveContext): string | null {
  if (isPrefixToken(t)) return null;
  if (isRadioToken(t)) return ctx.radioKey(t.slice(1)) ?? t;
  return t;
}

/**
 * The key a prefix token stands for on its own (one known candidate, strong
 * enough by role alone), or null. What the node table's relay counts and
 * "certain" links lean on.
 */
export function uniqueKey(t: string, ctx: ResolveContext): string | null {
  const key = ctx.index.sole(t.slice(1));
  if (key === null) return null;
  const w = rolePrior(ctx.nodeInfo(key)?.role);
  return w / (w + UNKNOWN_WEIGHT[tokenBytes(t)]) >= ctx.minConfidence ? key : null;
}

/** The token's id if it needs no context: fixed ids and lone strong prefixes. */
export function sureId(t: string, ctx: ResolveContext): string | null {
  return fixedId(t, ctx) ?? (isPrefixToken(t) ? uniqueKey(t, ctx) : null);
}

function options(t: string, ctx: ResolveContext): Option[] {
  const fixed = fixedId(t, ctx);
  if (fixed !== null) return [{ key: fixed, w: 1, info: ctx.nodeInfo(fixed) }];
  const out: Option[] = ctx.index.lookup(t.slice(1)).map((key) => {
    const info = ctx.nodeInfo(key);
    return { key, w: rolePrior(info?.role), info };
  });
  // A fixed order (not the index's insertion order) keeps sums, and so the
  // answer, the same whichever order the keys were learnt in.
  out.sort((x, y) => y.w - x.w || (x.key! < y.key! ? -1 : 1));
  if (out.length > MAX_CANDIDATES) out.length = MAX_CANDIDATES;
  out.push({ key: null, w: UNKNOWN_WEIGHT[tokenBytes(t)], info: undefined });
  return out;
}

function pairWeight(x: Option, y: Option, ctx: ResolveContext, scale: number): number {
  let w = x.w * y.w;
  if (w === 0) return 0;
  const xi = x.info;
  const yi = y.info;
  if (x.key !== null && y.key !== null) {
    if (x.key === y.key) return 0; // a node is not its own neighbour
    const seen = ctx.certain(x.key, y.key);
    if (seen > 0) w *= 1 + Math.min(seen, 20);
    if (hasPosition(xi) && hasPosition(yi)) {
      const d = distanceKm(xi.lat, xi.lon, yi.lat, yi.lon);
      w *= d > ctx.maxLinkKm ? 0.001 : 1 / (1 + (d / scale) ** 4);
    }
  } else if (hasPosition(xi) || hasPosition(yi)) {
    w *= UNKNOWN_DISTANCE;
  }
  return w;
}

/** Resolve the edge between tokens `ta` and `tb` (a pure function of the context). */
export function resolveEdge(ta: string, tb: string, ctx: ResolveContext): EdgeResolution {
  const fa = fixedId(ta, ctx);
  const fb = fixedId(tb, ctx);
  if (fa !== null && fb !== null) {
    // Both ends are certain, but positions this far apart mean one of them is wrong.
    const ia = ctx.nodeInfo(fa);
    const ib = ctx.nodeInfo(fb);
    const far =
      hasPosition(ia) &&
      hasPosition(ib) &&
      distanceKm(ia.lat, ia.lon, ib.lat, ib.lon) > ctx.maxLinkKm;
    return { a: fa, b: fb, confidence: far ? IMPLAUSIBLE : 1, sure: true, how: "fixed" };
  }
  const oa = options(ta, ctx);
  const ob = options(tb, ctx);
  const scale = Math.min(ctx.maxLinkKm / 4, SCALE * (ctx.typicalLinkKm() ?? ctx.maxLinkKm));
  const ma = new Array<number>(oa.length).fill(0);
  const mb = new Array<number>(ob.length).fill(0);
  const w: number[] = new Array(oa.length * ob.length);
  let total = 0;
  for (let i = 0; i < oa.length; i++) {
    for (let j = 0; j < ob.length; j++) {
      const v = pairWeight(oa[i]!, ob[j]!, ctx, scale);
      w[i * ob.length + j] = v;
      ma[i]! += v;
      mb[j]! += v;
      total += v;
    }
  }
  if (total <= 0) {
    return { a: fa ?? ta, b: fb ?? tb, confidence: 0, sure: false, how: "ambiguous" };
  }
  if (ta === tb) return resolveTwins(ta, oa, w, total, ctx);
  const ia = bestKnown(oa, ma);
  const ib = bestKnown(ob, mb);
  const resA = fa ?? (ia >= 0 && ma[ia]! / total >= ctx.minConfidence ? oa[ia]!.key : null);
  const resB = fb ?? (ib >= 0 && mb[ib]! / total >= ctx.minConfidence ? ob[ib]!.key : null);
  const confidence = ia < 0 || ib < 0 ? 0 : w[ia * ob.length + ib]! / total;
  const sa = sureId(ta, ctx);
  const sb = sureId(tb, ctx);
  const sure = sa !== null && sb !== null && sa === resA && sb === resB;
  let how: EdgeResolution["how"];
  if (resA === null || resB === null) {
    const known = (fa !== null || oa.length > 1) && (fb !== null || ob.length > 1);
    how = known ? "ambiguous" : "unknown";
  } else how = sure ? "unique" : "context";
  return {
    a: resA ?? ta,
    b: resB ?? tb,
    confidence: Math.round(confidence * 1e4) / 1e4,
    sure,
    how,
  };
}

/**
 * Both ends are the same path hash: two nodes sharing a prefix next to each
 * other. Weighing each end alone would name the same node twice (the
 * weights are symmetric), so the unordered pair is weighed as one.
 */
function resolveTwins(
  t: string,
  o: readonly Option[],
  w: readonly number[],
  total: number,
  ctx: ResolveContext,
): EdgeResolution {
  let bi = -1;
  let bj = -1;
  let best = 0;
  for (let i = 0; i < o.length; i++) {
    for (let j = i + 1; j < o.length; j++) {
      if (o[i]!.key === null || o[j]!.key === null) continue;
      const v = w[i * o.length + j]! + w[j * o.length + i]!;
      if (v > best) {
        best = v;
        bi = i;
        bj = j;
      }
    }
  }
  const confidence = Math.round((best / total) * 1e4) / 1e4;
  if (bi < 0 || best / total < ctx.minConfidence) {
    return { a: t, b: t, confidence, sure: false, how: "ambiguous" };
  }
  const [a, b] = [o[bi]!.key!, o[bj]!.key!];
  return { a, b, confidence, sure: false, how: "context" };
}

/** Index of the known option with the largest marginal, -1 when there is none. */
function bestKnown(o: readonly Option[], m: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < o.length; i++) {
    if (o[i]!.key === null) continue;
    if (best < 0 || m[i]! > m[best]!) best = i;
  }
  return best;
}
