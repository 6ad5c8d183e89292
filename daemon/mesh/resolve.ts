/**
 * Hop resolution: which known node does a 1-3 byte path hash stand for?
 * A unique match among known keys resolves. An ambiguous one is weighed by
 * context: the role (only repeaters and room servers relay by default), a
 * known edge to an already-resolved neighbour in the same path, and the
 * distance to those neighbours (a link longer than `maxLinkKm` is
 * implausible). The winner's share of the total weight is its confidence;
 * below `minConfidence` the hop stays an unresolved prefix with its candidates.
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
  /** Distinct transmissions already seen on the edge a-b (0 when none). */
  edgeSightings(a: string, b: string): number;
  readonly maxLinkKm: number;
  /**
   * Typical link length in this mesh (km), learnt from certain edges; closer
   * candidates weigh more on this scale. Null until learnt (maxLinkKm / 4 then).
   */
  typicalLinkKm(): number | null;
  readonly minConfidence: number;
}

export interface ResolvedHop {
  /** The hop as heard, lower hex. */
  readonly prefix: string;
  /** Full upper-hex key when resolved, else null. */
  readonly key: string | null;
  /** 0..1: how sure the model is that `key` is right (0 when unresolved). */
  readonly confidence: number;
  /** Known keys sharing the prefix (empty when no known node matches). */
  readonly candidates: readonly string[];
  readonly how: "unique" | "context" | "ambiguous" | "unknown";
}

/**
 * Weight of "a node the gateway has never heard of" among the candidates, by
 * hash size: an unheard repeater easily shares a 1-byte prefix, rarely a
 * 3-byte one. With it a lone repeater match is 1 / (1 + 0.11) = 0.9 sure for
 * 1 byte, and a lone chat-node match (prior 0.05) only 0.31: hops are relays,
 * so it more likely stands for an unheard repeater.
 */
const UNKNOWN_WEIGHT = [0, 0.11, 0.02, 0.001] as const;

/** Relay likelihood by role: clients repeat only when configured to (v1.17 client-repeat). */
function rolePrior(role: number | undefined): number {
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

export function hasPosition(n: NodeInfo | undefined): n is NodeInfo & { lat: number; lon: number } {
  return (
    n !== undefined &&
    n.lat !== null &&
    n.lon !== null &&
    Number.isFinite(n.lat) &&
    Number.isFinite(n.lon) &&
    !(n.lat === 0 && n.lon === 0)
  );
}

interface Slot {
  prefix: string;
  key: string | null;
  confidence: number;
  candidates: readonly string[];
  how: ResolvedHop["how"];
}

/**
 * Resolve a path. `left` is the known node before hops[0] (an advert's
 * originator), `right` the node after the last hop (the receiving radio).
 */
export function resolvePath(
  hops: readonly string[],
  hashSize: number,
  left: string | null,
  right: string | null,
  ctx: ResolveContext,
): ResolvedHop[] {
  const unknownW = UNKNOWN_WEIGHT[Math.min(3, Math.max(1, hashSize)) as 1 | 2 | 3];
  const slots: Slot[] = hops.map((prefix) => {
    const candidates = ctx.index.lookup(prefix);
    if (candidates.length === 1) {
      const w = rolePrior(ctx.nodeInfo(candidates[0]!)?.role);
      const conf = w / (w + unknownW);
      if (conf >= ctx.minConfidence) {
        return { prefix, key: candidates[0]!, confidence: conf, candidates, how: "unique" };
      }
    }
    return {
      prefix,
      key: null,
      confidence: 0,
      candidates,
      how: candidates.length === 0 ? "unknown" : "ambiguous",
    };
  });
  const ambiguous = slots.some((s) => s.how === "ambiguous");
  if (!ambiguous) return slots;
  // Two sweeps so that a hop resolved late can help its other neighbour.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < slots.length; i++) resolveSlot(slots, i, left, right, unknownW, ctx);
    for (let i = slots.length - 1; i >= 0; i--) resolveSlot(slots, i, left, right, unknownW, ctx);
  }
  return slots;
}

function neighbourKey(slots: Slot[], i: number, left: string | null, right: string | null) {
  if (i < 0) return left;
  if (i >= slots.length) return right;
  return slots[i]!.key;
}

function resolveSlot(
  slots: Slot[],
  i: number,
  left: string | null,
  right: string | null,
  unknownW: number,
  ctx: ResolveContext,
): void {
  const slot = slots[i]!;
  if (slot.how !== "ambiguous" && slot.how !== "context") return;
  const prev = neighbourKey(slots, i - 1, left, right);
  const next = neighbourKey(slots, i + 1, left, right);
  const ns = [prev, next].filter((k): k is string => k !== null);
  const scale = Math.min(ctx.maxLinkKm / 4, 1.5 * (ctx.typicalLinkKm() ?? ctx.maxLinkKm));
  let total = unknownW;
  let best: string | null = null;
  let bestW = 0;
  for (const c of slot.candidates) {
    const info = ctx.nodeInfo(c);
    let w = rolePrior(info?.role);
    for (const n of ns) {
      if (n === c) {
        w = 0; // a node is not its own neighbour in a path
        break;
      }
      const seen = ctx.edgeSightings(c, n);
      if (seen > 0) w *= 1 + Math.min(seen, 20);
      const ni = ctx.nodeInfo(n);
      if (hasPosition(info) && hasPosition(ni)) {
        const d = distanceKm(info.lat, info.lon, ni.lat, ni.lon);
        if (d > ctx.maxLinkKm) w *= 0.001;
        else w *= 1 / (1 + (d / scale) ** 2);
      }
    }
    total += w;
    if (w > bestW) {
      bestW = w;
      best = c;
    }
  }
  const share = bestW / total;
  if (best !== null && share >= ctx.minConfidence) {
    slot.key = best;
    slot.confidence = share;
    slot.how = "context";
  } else {
    slot.key = null;
    slot.confidence = 0;
    slot.how = "ambiguous";
  }
}
