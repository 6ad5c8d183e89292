/**
 * The live buffer's observations grouped per transmission (packet hash), the
 * way a local reads the feed: one line per packet sent, with how often and
 * how well the gateway heard it.
 */
import type { Packet } from "./model.ts";

export interface Transmission {
  readonly hash: string;
  /** Newest hearing first. */
  readonly observations: readonly Packet[];
  /** The first hearing (it carries the summary and type). */
  readonly first: Packet;
  /** The hearing with the fewest hops (its path is shown). */
  readonly shortest: Packet;
  readonly lastAt: number;
  readonly bestSnr: number | null;
  readonly bestRssi: number | null;
}

function best(xs: readonly (number | null)[]): number | null {
  let b: number | null = null;
  for (const x of xs) if (x !== null && (b === null || x > b)) b = x;
  return b;
}

/** `ps` newest first (the buffer's order); transmissions come out newest first too. */
export function groupTransmissions(ps: readonly Packet[]): Transmission[] {
  const byHash = new Map<string, Packet[]>();
  for (const p of ps) {
    const g = byHash.get(p.hash);
    if (g) g.push(p);
    else byHash.set(p.hash, [p]);
  }
  const out: Transmission[] = [];
  for (const [hash, obs] of byHash) {
    let shortest = obs[0]!;
    for (const o of obs) if (o.hops.length < shortest.hops.length) shortest = o;
    out.push({
      hash,
      observations: obs,
      first: obs.find((o) => o.firstSeen) ?? obs[obs.length - 1]!,
      shortest,
      lastAt: obs[0]!.at,
      bestSnr: best(obs.map((o) => o.snr)),
      bestRssi: best(obs.map((o) => o.rssi)),
    });
  }
  // Map order is first-seen order in a newest-first list: newest transmission first.
  return out;
}
