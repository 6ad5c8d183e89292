/**
 * How one transmission spreads through the simulated mesh and which copies
 * the gateway's radio hears. Flood: every repeater forwards the first copy it
 * hears once, appending its own pubkey prefix (src/Mesh.cpp routeRecvPacket);
 * direct: each hop on the path forwards and removes itself from the front;
 * TRACE: each hop appends the SNR it heard instead of a hash.
 */
import { encodePacket } from "../protocol/encode.ts";
import { frameLayout } from "../protocol/hash.ts";
import { airtimeMs, floodRetransmitDelayMs, receive } from "./radio.ts";
import type { Rng } from "./rng.ts";
import type { Topology } from "./topology.ts";

/** The gateway is node 0 of every topology. */
export const GATEWAY = 0;
const MAX_PATH_BYTES = 64;

/** One copy the gateway heard, relative to the transmission's start. */
export interface Hearing {
  readonly delayMs: number;
  readonly raw: Uint8Array;
  readonly snr: number;
  readonly rssi: number;
  /** Index of the node whose transmission the gateway heard. */
  readonly from: number;
}

/** The same packet with another path (flood relays, direct hops, trace SNRs). */
export function withPath(raw: Uint8Array, hashSize: 1 | 2 | 3, hops: Uint8Array[]): Uint8Array {
  const f = frameLayout(raw);
  if (f === null) throw new RangeError("withPath: malformed packet");
  const codes: [number, number] | undefined =
    f.pathLenOffset === 5
      ? [(raw[1] ?? 0) | ((raw[2] ?? 0) << 8), (raw[3] ?? 0) | ((raw[4] ?? 0) << 8)]
      : undefined;
  return encodePacket({
    route: f.route,
    payloadType: f.payloadType,
    version: f.version,
    ...(codes ? { transportCodes: codes } : {}),
    hashSize,
    hops,
    payload: raw.subarray(f.payloadOffset),
  });
}

export function hopOf(topo: Topology, node: number, hashSize: number): Uint8Array {
  const n = topo.nodes[node];
  if (!n) throw new RangeError(`no node ${node}`);
  return n.publicKey.subarray(0, hashSize);
}

interface Tx {
  t: number;
  sender: number;
  raw: Uint8Array;
  relays: number[];
}

/**
 * Flood `raw` (already carrying `initialHops`) from `origin`. Returns the
 * copies the gateway hears, in time order.
 */
export function flood(
  topo: Topology,
  rng: Rng,
  origin: number,
  raw: Uint8Array,
  hashSize: 1 | 2 | 3,
  initialHops: Uint8Array[] = [],
): Hearing[] {
  const heard: Hearing[] = [];
  const seen = new Set<number>([origin]);
  const queue: Tx[] = [{ t: 0, sender: origin, raw, relays: [] }];
  while (queue.length > 0) {
    queue.sort((a, b) => a.t - b.t);
    const tx = queue.shift() as Tx;
    const tRx = tx.t + airtimeMs(tx.raw.length);
    for (const v of topo.neighbours[tx.sender] ?? []) {
      const link = topo.link(tx.sender, v);
      if (!link) continue;
      const rx = receive(link, rng);
      if (!rx) continue;
      if (v === GATEWAY) {
        heard.push({ delayMs: tRx, raw: tx.raw, snr: rx.snr, rssi: rx.rssi, from: tx.sender });
      }
      if (seen.has(v) || topo.nodes[v]?.role !== "repeater") continue;
      seen.add(v);
      const relays = [...tx.relays, v];
      if ((initialHops.length + relays.length) * hashSize > MAX_PATH_BYTES) continue;
      const hops = [...initialHops, ...relays.map((r) => hopOf(topo, r, hashSize))];
      const next = withPath(raw, hashSize, hops);
      queue.push({
        t: tRx + floodRetransmitDelayMs(next.length, rng),
        sender: v,
        raw: next,
        relays,
      });
    }
  }
  return heard.sort((a, b) => a.delayMs - b.delayMs);
}

/**
 * Send along `route` = [origin, relay..., destination] as a direct packet.
 * Each sender's copy carries the hops still ahead of it. A destination of
 * -1 is not modelled: the last relay transmits and nobody is known to hear.
 */
export function direct(
  topo: Topology,
  rng: Rng,
  route: readonly number[],
  raw: Uint8Array,
  hashSize: 1 | 2 | 3,
): Hearing[] {
  const heard: Hearing[] = [];
  let t = 0;
  for (let i = 0; i < route.length - 1; i++) {
    const sender = route[i] as number;
    const ahead = route.slice(i + 1, route.length - 1).map((r) => hopOf(topo, r, hashSize));
    const copy = withPath(raw, hashSize, ahead);
    const tRx = t + airtimeMs(copy.length);
    const gl = sender === GATEWAY ? undefined : topo.link(sender, GATEWAY);
    const g = gl ? receive(gl, rng) : null;
    if (g) heard.push({ delayMs: tRx, raw: copy, snr: g.snr, rssi: g.rssi, from: sender });
    const nextLink = topo.link(sender, route[i + 1] as number);
    if (!nextLink || !receive(nextLink, rng)) break; // lost on the way: the sender would retry
    t = tRx + rng.range(5, 60); // processing before the next hop transmits
  }
  return heard;
}

/**
 * A TRACE along `route` = [origin, relay..., last]: path bytes grow with the
 * SNR (int8, x4) each relay measured (src/Mesh.cpp onRecvPacket, TRACE).
 */
export function trace(
  topo: Topology,
  rng: Rng,
  route: readonly number[],
  raw: Uint8Array,
): Hearing[] {
  const heard: Hearing[] = [];
  const snrs: Uint8Array[] = [];
  let t = 0;
  for (let i = 0; i < route.length - 1; i++) {
    const sender = route[i] as number;
    const copy = withPath(raw, 1, snrs);
    const tRx = t + airtimeMs(copy.length);
    const gl = sender === GATEWAY ? undefined : topo.link(sender, GATEWAY);
    const g = gl ? receive(gl, rng) : null;
    if (g) heard.push({ delayMs: tRx, raw: copy, snr: g.snr, rssi: g.rssi, from: sender });
    const nextLink = topo.link(sender, route[i + 1] as number);
    const rx = nextLink ? receive(nextLink, rng) : null;
    if (!rx) break;
    snrs.push(Uint8Array.of(Math.round(rx.snr * 4) & 0xff));
    t = tRx + rng.range(5, 60);
  }
  return heard;
}

/** A zero-hop packet: only the sender's direct neighbours hear it. */
export function zeroHop(topo: Topology, rng: Rng, sender: number, raw: Uint8Array): Hearing[] {
  const link = topo.link(sender, GATEWAY);
  const rx = link ? receive(link, rng) : null;
  return rx
    ? [{ delayMs: airtimeMs(raw.length), raw, snr: rx.snr, rssi: rx.rssi, from: sender }]
    : [];
}

/**
 * Shortest route from `a` to `b` whose intermediate nodes are repeaters
 * (BFS; ties broken by neighbour order, so deterministic). Null if none.
 */
export function routeBetween(topo: Topology, a: number, b: number): number[] | null {
  const prev = new Map<number, number>([[a, -1]]);
  const queue = [a];
  while (queue.length > 0) {
    const cur = queue.shift() as number;
    for (const v of topo.neighbours[cur] ?? []) {
      if (prev.has(v)) continue;
      if (v !== b && topo.nodes[v]?.role !== "repeater") continue;
      prev.set(v, cur);
      if (v === b) {
        const route = [b];
        let p = cur;
        while (p !== -1) {
          route.unshift(p);
          p = prev.get(p) ?? -1;
        }
        return route;
      }
      queue.push(v);
    }
  }
  return null;
}
