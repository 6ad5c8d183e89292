/** A large mesh state built fast: `nodes` advertised keys and about `edges` evidence edges. */

import { MeshState } from "../../../daemon/mesh/state.ts";
import { resolveConfig } from "../../../daemon/mesh/types.ts";
import { TestRng } from "../rng.ts";
import { advertObs, advertOf, obs } from "./obs.ts";

export interface BigStateOptions {
  /** Node i's key (default: random). */
  readonly keyOf?: (i: number) => string;
  /** When the first hearing was (default 2026-05-01); hearings follow 10 ms apart. */
  readonly t0?: number;
  /** The receiving radio (default the builders' "r0"). */
  readonly radioId?: string;
}

export function bigState(
  nodes: number,
  edges: number,
  seed = 1,
  o: BigStateOptions = {},
): MeshState {
  const s = new MeshState(resolveConfig({ maxEdges: edges * 2, maxNodes: nodes * 2 }));
  const rng = new TestRng(seed);
  const keys: string[] = [];
  const t0 = o.t0 ?? Date.UTC(2026, 4, 1);
  const radio = o.radioId === undefined ? {} : { radioId: o.radioId };
  let at = t0 / 10;
  for (let i = 0; i < nodes; i++) {
    const k = o.keyOf ? o.keyOf(i) : rng.hex(32);
    keys.push(k);
    const hash = rng.hex(8).toLowerCase();
    const advert = advertOf(k, { lat: 37 + rng.next(), lon: -122 + rng.next(), name: `n${i}` });
    s.observe(
      advertObs(advert, [], {
        hash,
        at: at++ * 10,
        hashSize: 3,
        snr: 5,
        rssi: -90,
        rawLength: 120,
        ...radio,
      }),
    );
  }
  // Each two-hop packet adds a relay edge and an rx edge to the radio.
  while (s.graph.size < edges) {
    const a = rng.pick(keys).slice(0, 6).toLowerCase();
    const b = rng.pick(keys).slice(0, 6).toLowerCase();
    if (a === b) continue;
    s.observe(
      obs({
        hash: rng.hex(8).toLowerCase(),
        at: at++ * 10,
        hashSize: 3,
        hops: [a, b],
        snr: 2,
        rssi: -100,
        rawLength: 60,
        ...radio,
      }),
    );
  }
  s.settle();
  return s;
}
