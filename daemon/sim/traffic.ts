/**
 * What the simulated nodes say: signed adverts, channel chatter, direct
 * exchanges (message + ACK, request + response, path returns), the odd TRACE
 * and discover. Each builder returns the copies the gateway hears.
 */
import {
  PAYLOAD_ACK,
  PAYLOAD_ADVERT,
  PAYLOAD_CONTROL,
  PAYLOAD_GRP_TXT,
  PAYLOAD_PATH,
  PAYLOAD_REQ,
  PAYLOAD_RESPONSE,
  PAYLOAD_TRACE,
  PAYLOAD_TXT_MSG,
  ROUTE_DIRECT,
  ROUTE_FLOOD,
} from "../protocol/constants.ts";
import {
  buildAckPayload,
  buildAdvertPayload,
  buildControlDiscoverReq,
  buildControlDiscoverResp,
  buildDirectPayload,
  buildGroupTextPayload,
  buildTracePayload,
  encodePacket,
} from "../protocol/encode.ts";
import { ROLE_NUMBERS } from "../protocol/roles.ts";
import { ackChecksum, type PeerCrypto } from "./peer.ts";
import {
  direct,
  flood,
  GATEWAY,
  type Hearing,
  routeBetween,
  trace,
  zeroHop,
} from "./propagation.ts";
import type { Rng } from "./rng.ts";
import type { Topology } from "./topology.ts";
import type { SimNode } from "./types.ts";

export interface SimChannel {
  readonly name: string;
  readonly key: Uint8Array;
}

export interface TrafficContext {
  readonly topo: Topology;
  readonly rng: Rng;
  readonly peer: PeerCrypto;
  /** Index 0 is the public channel. */
  readonly channels: readonly SimChannel[];
}

export type EventKind = "advert" | "advert-zero-hop" | "channel" | "direct" | "trace" | "discover";

export function pickKind(rng: Rng): EventKind {
  return rng.weighted<EventKind>([
    ["advert", 0.2],
    ["advert-zero-hop", 0.05],
    ["channel", 0.35],
    ["direct", 0.32],
    ["trace", 0.04],
    ["discover", 0.04],
  ]);
}

const PHRASES = [
  "good morning mesh ☀️",
  "anyone on from the east bay?",
  "test",
  "test 1 2 3",
  "copy, 3 hops here",
  "heading up Twin Peaks with a handheld 📡",
  "¿alguien me escucha?",
  "new repeater on the hill is up 🎉",
  "73!",
  "signal is great today",
  "what preset are you on?",
  "ack",
  "Grüße aus dem Mission 👋",
  "checking in from the ferry ⛴️",
  "who has a spare antenna?",
  "ping",
  "lol",
  "see you at the meetup",
];

/** Sender clocks are untrusted: most are close, a few are far off. */
function senderClock(node: SimNode, atMs: number): number {
  const k = node.publicKey[2] ?? 0;
  const skew = k % 23 === 0 ? -400 * 86400 : ((k % 7) - 3) * 2;
  return Math.max(0, Math.floor(atMs / 1000) + skew);
}

function sharesLocation(node: SimNode): boolean {
  return node.role !== "chat" || (node.publicKey[1] ?? 0) % 10 < 7;
}

function nonGateway(ctx: TrafficContext): SimNode {
  const nodes = ctx.topo.nodes;
  return nodes[ctx.rng.int(1, nodes.length - 1)] as SimNode;
}

function ofRole(ctx: TrafficContext, roles: readonly string[]): SimNode[] {
  return ctx.topo.nodes.filter((n) => n.index !== GATEWAY && roles.includes(n.role));
}

export function advertPayload(node: SimNode, atMs: number): Uint8Array {
  return buildAdvertPayload({
    identity: { publicKey: node.publicKey, seed: node.seed },
    timestamp: senderClock(node, atMs),
    role: ROLE_NUMBERS[node.role],
    ...(sharesLocation(node) ? { lat: node.lat, lon: node.lon } : {}),
    name: node.name,
  });
}

export function floodAdvert(ctx: TrafficContext, node: SimNode, atMs: number): Hearing[] {
  const raw = encodePacket({
    route: ROUTE_FLOOD,
    payloadType: PAYLOAD_ADVERT,
    hashSize: node.hashSize,
    hops: [],
    payload: advertPayload(node, atMs),
  });
  return flood(ctx.topo, ctx.rng, node.index, raw, node.hashSize);
}

function zeroHopAdvert(ctx: TrafficContext, atMs: number): Hearing[] {
  const near = ctx.topo.neighbours[GATEWAY] ?? [];
  if (near.length === 0) return [];
  const node = ctx.topo.nodes[ctx.rng.pick(near)] as SimNode;
  const raw = encodePacket({
    route: ROUTE_DIRECT,
    payloadType: PAYLOAD_ADVERT,
    hashSize: 1,
    hops: [],
    payload: advertPayload(node, atMs),
  });
  return zeroHop(ctx.topo, ctx.rng, node.index, raw);
}

/** Firmware keeps channel text to MAX_TEXT_LEN = 160 bytes (src/MeshCore.h). */
const MAX_TEXT_BYTES = 160;

export function boundUtf8(text: string, maxBytes: number): string {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= maxBytes) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

export function channelMessage(
  ctx: TrafficContext,
  node: SimNode,
  channel: SimChannel,
  sender: string,
  text: string,
  atMs: number,
): Hearing[] {
  const senderBounded = boundUtf8(sender, 32);
  const body = boundUtf8(
    text,
    Math.max(0, MAX_TEXT_BYTES - new TextEncoder().encode(senderBounded).length - 2),
  );
  const raw = encodePacket({
    route: ROUTE_FLOOD,
    payloadType: PAYLOAD_GRP_TXT,
    hashSize: node.hashSize,
    hops: [],
    payload: buildGroupTextPayload({
      key: channel.key,
      timestamp: senderClock(node, atMs),
      sender: senderBounded,
      text: body,
    }),
  });
  return flood(ctx.topo, ctx.rng, node.index, raw, node.hashSize);
}

function randomChannelMessage(ctx: TrafficContext, atMs: number): Hearing[] {
  const talkers = ofRole(ctx, ["chat", "room"]);
  const node = ctx.rng.pick(talkers.length > 0 ? talkers : [nonGateway(ctx)]);
  const channel = ctx.rng.weighted(ctx.channels.map((c, i) => [c, i === 0 ? 2 : 1] as const));
  return channelMessage(ctx, node, channel, node.name, ctx.rng.pick(PHRASES), atMs);
}

function shift(hearings: Hearing[], byMs: number): Hearing[] {
  return hearings.map((h) => ({ ...h, delayMs: h.delayMs + byMs }));
}

function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One peer-to-peer packet sent along `route` (direct) or flooded when route is null. */
function peerPacket(
  ctx: TrafficContext,
  type: number,
  from: SimNode,
  to: SimNode,
  plain: Uint8Array,
  route: readonly number[] | null,
): Hearing[] {
  const sealed = ctx.peer.seal(from, to, plain);
  const payload = buildDirectPayload({
    destHash: to.publicKey[0] ?? 0,
    srcHash: from.publicKey[0] ?? 0,
    ...sealed,
  });
  const hashSize = from.hashSize;
  if (route === null) {
    const raw = encodePacket({
      route: ROUTE_FLOOD,
      payloadType: type,
      hashSize,
      hops: [],
      payload,
    });
    return flood(ctx.topo, ctx.rng, from.index, raw, hashSize);
  }
  const raw = encodePacket({ route: ROUTE_DIRECT, payloadType: type, hashSize, hops: [], payload });
  return direct(ctx.topo, ctx.rng, route, raw, hashSize);
}

function ack(ctx: TrafficContext, from: SimNode, code: number, route: readonly number[] | null) {
  const payload = buildAckPayload(code);
  if (route === null) {
    const raw = encodePacket({
      route: ROUTE_FLOOD,
      payloadType: PAYLOAD_ACK,
      hashSize: from.hashSize,
      hops: [],
      payload,
    });
    return flood(ctx.topo, ctx.rng, from.index, raw, from.hashSize);
  }
  const raw = encodePacket({
    route: ROUTE_DIRECT,
    payloadType: PAYLOAD_ACK,
    hashSize: from.hashSize,
    hops: [],
    payload,
  });
  return direct(ctx.topo, ctx.rng, route, raw, from.hashSize);
}

/** A direct exchange between two nodes whose route the gateway can hear part of. */
function directExchange(ctx: TrafficContext, atMs: number): Hearing[] {
  const { rng, topo } = ctx;
  for (let attempt = 0; attempt < 8; attempt++) {
    const a = nonGateway(ctx);
    const b = nonGateway(ctx);
    if (a.index === b.index || a.role === "repeater") continue;
    const route = routeBetween(topo, a.index, b.index);
    if (!route) continue;
    const back = [...route].reverse();
    const ts = u32le(senderClock(a, atMs));
    // A third of exchanges have no known path yet: flood, then a PATH return.
    const known = rng.chance(0.67) && route.length <= 8;
    if (b.role === "chat" || b.role === "room") {
      const text = new TextEncoder().encode(rng.pick(PHRASES));
      const plain = cat(ts, Uint8Array.of(0), text);
      const first = peerPacket(ctx, PAYLOAD_TXT_MSG, a, b, plain, known ? route : null);
      const code = ackChecksum(plain, a);
      const reply = known
        ? ack(ctx, b, code, back)
        : peerPacket(ctx, PAYLOAD_PATH, b, a, pathReturn(topo, route, b.hashSize, code), null);
      return [...first, ...shift(reply, 400 + rng.range(0, 1500))];
    }
    // Requests go to repeaters, rooms and sensors (status, telemetry, login).
    const reqType = rng.pick([0x01, 0x02, 0x03]);
    const req = cat(ts, Uint8Array.of(reqType), rng.bytes(4));
    const first = peerPacket(ctx, PAYLOAD_REQ, a, b, req, known ? route : null);
    const resp = cat(ts, rng.bytes(rng.int(12, 56)));
    const reply = peerPacket(ctx, PAYLOAD_RESPONSE, b, a, resp, known ? back : null);
    return [...first, ...shift(reply, 300 + rng.range(0, 1200))];
  }
  return [];
}

/** PATH plaintext: path length byte, the path back, extra type (ACK), extra data. */
function pathReturn(topo: Topology, route: readonly number[], hashSize: 1 | 2 | 3, code: number) {
  const relays = route.slice(1, -1);
  const bytes = cat(
    ...relays.map((r) => (topo.nodes[r] as SimNode).publicKey.subarray(0, hashSize)),
  );
  return cat(
    Uint8Array.of(((hashSize - 1) << 6) | relays.length),
    bytes,
    Uint8Array.of(PAYLOAD_ACK),
    u32le(code),
  );
}

function traceEvent(ctx: TrafficContext): Hearing[] {
  const { rng, topo } = ctx;
  const repeaters = ofRole(ctx, ["repeater"]);
  for (let attempt = 0; attempt < 6 && repeaters.length > 0; attempt++) {
    const origin = nonGateway(ctx);
    const target = rng.pick(repeaters);
    const out = routeBetween(topo, origin.index, target.index);
    if (!out || out.length < 2 || out.length > 6) continue;
    // Out to the target and back again, as clients trace a round trip.
    const route = [...out, ...out.slice(0, -1).reverse()];
    const routeHashes = cat(
      ...route.slice(1, -1).map((r) => (topo.nodes[r] as SimNode).publicKey.subarray(0, 1)),
    );
    const payload = buildTracePayload({ tag: rng.u32(), auth: 0, flags: 0, routeHashes });
    const raw = encodePacket({
      route: ROUTE_DIRECT,
      payloadType: PAYLOAD_TRACE,
      hashSize: 1,
      hops: [],
      payload,
    });
    return trace(topo, rng, route, raw);
  }
  return [];
}

/**
 * Node `responder`'s zero-hop DISCOVER_RESP to `asker`: its type, the SNR it
 * heard the request at, and its key (or the key's 8-byte prefix).
 */
export function discoverResponse(
  topo: Topology,
  asker: number,
  responder: number,
  tag: number,
  prefixOnly: boolean,
): Uint8Array {
  const node = topo.nodes[responder] as SimNode;
  const payload = buildControlDiscoverResp({
    nodeType: ROLE_NUMBERS[node.role],
    snr: Math.round(topo.link(asker, responder)?.snr ?? 0),
    tag,
    publicKey: prefixOnly ? node.publicKey.subarray(0, 8) : node.publicKey,
  });
  return encodePacket({
    route: ROUTE_DIRECT,
    payloadType: PAYLOAD_CONTROL,
    hashSize: 1,
    hops: [],
    payload,
  });
}

/** A zero-hop DISCOVER_REQ from a node near the gateway and the repeaters' replies. */
function discoverEvent(ctx: TrafficContext): Hearing[] {
  const { rng, topo } = ctx;
  const near = topo.neighbours[GATEWAY] ?? [];
  if (near.length === 0) return [];
  const asker = topo.nodes[rng.pick(near)] as SimNode;
  const tag = rng.u32();
  const prefixOnly = rng.chance(0.5);
  const reqPayload = buildControlDiscoverReq({
    prefixOnly,
    typeFilter: 1 << ROLE_NUMBERS.repeater,
    tag,
  });
  const req = encodePacket({
    route: ROUTE_DIRECT,
    payloadType: PAYLOAD_CONTROL,
    hashSize: 1,
    hops: [],
    payload: reqPayload,
  });
  const out = zeroHop(topo, rng, asker.index, req);
  for (const r of topo.neighbours[asker.index] ?? []) {
    const node = topo.nodes[r] as SimNode;
    if (node.role !== "repeater") continue;
    const raw = discoverResponse(topo, asker.index, r, tag, prefixOnly);
    out.push(...shift(zeroHop(topo, rng, r, raw), 200 + rng.range(0, 2000)));
  }
  return out;
}

export function generate(ctx: TrafficContext, kind: EventKind, atMs: number): Hearing[] {
  switch (kind) {
    case "advert":
      return floodAdvert(ctx, nonGateway(ctx), atMs);
    case "advert-zero-hop":
      return zeroHopAdvert(ctx, atMs);
    case "channel":
      return randomChannelMessage(ctx, atMs);
    case "direct":
      return directExchange(ctx, atMs);
    case "trace":
      return traceEvent(ctx);
    case "discover":
      return discoverEvent(ctx);
  }
}
