/**
 * MeshSimulator: a seeded, deterministic MeshCore mesh whose receptions are
 * what the gateway's radio would hear (real packets: signed adverts,
 * encrypted channel text, floods with relay paths, direct routes).
 *
 * Time is simulated: events are laid on a timeline starting at clock(); in
 * live mode (start) a timer releases them as the clock passes them, burst()
 * and pump() release them at once. Same seed and clock -> same bytes.
 */

import { hexToBytes, toHex } from "../core/bytes.ts";
import type { RxPacket } from "../core/types.ts";
import {
  PAYLOAD_CONTROL,
  PAYLOAD_TRACE,
  ROUTE_DIRECT,
  ROUTE_FLOOD,
  ROUTE_TRANSPORT_FLOOD,
} from "../protocol/constants.ts";
import { hashtagKey, type Identity, PUBLIC_CHANNEL_KEY } from "../protocol/crypto.ts";
import { encodePacket } from "../protocol/encode.ts";
import { frameLayout } from "../protocol/hash.ts";
import { ROLE_NUMBERS } from "../protocol/roles.ts";
import type { GatewayIdentity } from "../radio/types.ts";
import { PeerCrypto } from "./peer.ts";
import { direct, flood, GATEWAY, type Hearing, zeroHop } from "./propagation.ts";
import { Rng } from "./rng.ts";
import { buildTopology, identityFor, type Topology } from "./topology.ts";
import {
  advertPayload,
  boundUtf8,
  channelMessage,
  discoverResponse,
  type EventKind,
  floodAdvert,
  generate,
  pickKind,
  type SimChannel,
  type TrafficContext,
} from "./traffic.ts";
import type { SimNode, SimRole, Truth } from "./types.ts";

export interface MeshSimulatorOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly radiusKm: number;
  /** Mean receptions per second heard by the gateway. */
  readonly packetsPerSec: number;
  /** Channels the gateway is configured with; the public channel is always there. */
  readonly channels: readonly { readonly name: string; readonly key?: string }[];
  readonly radioId?: string;
  readonly clock?: () => number;
}

export interface Transmitted {
  readonly at: number;
  readonly raw: Uint8Array;
}

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly h: Hearing;
}

/** Channels heard on air besides the configured ones (one the gateway may not know). */
const EXTRA_CHANNELS = ["#test", "#wardriving"];
const MAX_TRANSMITTED = 1000;

export function channelFromConfig(c: { name: string; key?: string }): SimChannel {
  return { name: c.name, key: c.key ? hexToBytes(c.key).subarray(0, 16) : hashtagKey(c.name) };
}

export class MeshSimulator {
  /** The gateway node as its radio firmware holds it; name and position change with `setGateway`. */
  gateway: {
    readonly publicKey: string;
    readonly name: string;
    readonly lat: number;
    readonly lon: number;
  };
  /** The gateway node's own identity (what its radio firmware holds). */
  readonly identity: Identity;
  /** Channel slots as a companion radio holds them: 0 = public, then the configured ones. */
  readonly channelSlots: readonly SimChannel[];
  readonly radioId: string;

  private readonly opts: MeshSimulatorOptions;
  private readonly clock: () => number;
  private readonly topo: Topology;
  private readonly ctx: TrafficContext;
  private readonly injectCtx: TrafficContext;
  private readonly scheduleRng: Rng;
  private readonly warmup: number[];
  private readonly pending: Pending[] = [];
  private readonly sent: Transmitted[] = [];
  private simNow: number;
  private seq = 0;
  private injected = 0;
  private timer: NodeJS.Timeout | null = null;
  private onRx: ((rx: RxPacket) => void) | null = null;

  constructor(opts: MeshSimulatorOptions) {
    if (!(opts.packetsPerSec > 0)) throw new RangeError("packetsPerSec must be > 0");
    this.opts = opts;
    this.clock = opts.clock ?? Date.now;
    this.radioId = opts.radioId ?? "sim";
    const root = new Rng(opts.seed);
    this.topo = buildTopology(opts, root.fork());
    const gw = this.topo.nodes[GATEWAY] as SimNode;
    this.gateway = { publicKey: gw.publicKeyHex, name: gw.name, lat: gw.lat, lon: gw.lon };
    this.identity = { publicKey: gw.publicKey, seed: gw.seed };
    this.channelSlots = [
      { name: "Public", key: PUBLIC_CHANNEL_KEY },
      ...opts.channels.map(channelFromConfig),
    ];
    const traffic = [...this.channelSlots];
    for (const name of EXTRA_CHANNELS) {
      if (!traffic.some((c) => c.name === name)) traffic.push({ name, key: hashtagKey(name) });
    }
    const peer = new PeerCrypto();
    this.ctx = { topo: this.topo, rng: root.fork(), peer, channels: traffic };
    this.injectCtx = { ...this.ctx, rng: root.fork() };
    this.scheduleRng = root.fork();
    // Every node introduces itself first, so a fresh gateway sees the mesh quickly.
    this.warmup = this.topo.nodes.slice(1).map((n) => n.index);
    for (let i = this.warmup.length - 1; i > 0; i--) {
      const j = this.scheduleRng.int(0, i);
      [this.warmup[i], this.warmup[j]] = [this.warmup[j] as number, this.warmup[i] as number];
    }
    this.simNow = this.clock();
  }

  /**
   * The gateway's radio was given a new name or position (what SET_ADVERT_NAME
   * and SET_ADVERT_LATLON do on a companion): its own adverts carry them from
   * now on. A missing coordinate keeps the one held.
   */
  setGateway(g: GatewayIdentity): void {
    const lat = typeof g.lat === "number" && Number.isFinite(g.lat) ? g.lat : this.gateway.lat;
    const lon = typeof g.lon === "number" && Number.isFinite(g.lon) ? g.lon : this.gateway.lon;
    this.gateway = { publicKey: this.gateway.publicKey, name: g.name, lat, lon };
  }

  /** Live mode: receptions are delivered as the clock reaches them. */
  start(onRx: (rx: RxPacket) => void): void {
    this.stop();
    this.onRx = onRx;
    // Live time continues from now, whether the timeline lags (created
    // earlier) or leads (after a burst).
    const now = this.clock();
    if (this.simNow !== now) this.rebase(now);
    this.tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onRx = null;
  }

  /** The next n receptions, generated as fast as possible (simulated times). */
  burst(n: number): RxPacket[] {
    const out: RxPacket[] = [];
    while (out.length < n) {
      const head = this.pending[0];
      if (head && head.at <= this.simNow) {
        this.pending.shift();
        out.push(this.toRx(head));
      } else {
        this.step();
      }
    }
    return out;
  }

  /** Advance simulated time to `untilMs` and return what was heard by then. */
  pump(untilMs: number): RxPacket[] {
    while (this.simNow <= untilMs) this.step();
    const out: RxPacket[] = [];
    while (this.pending.length > 0 && (this.pending[0]?.at ?? Infinity) <= untilMs) {
      out.push(this.toRx(this.pending.shift() as Pending));
    }
    return out;
  }

  truth(): Truth {
    const nodes = this.topo.nodes;
    return {
      nodes: nodes.map((n) => ({
        publicKey: n.publicKeyHex,
        name: n.name,
        role: n.role,
        lat: n.lat,
        lon: n.lon,
      })),
      links: this.topo.links.map((l) => ({
        a: (nodes[l.a] as SimNode).publicKeyHex,
        b: (nodes[l.b] as SimNode).publicKeyHex,
      })),
    };
  }

  /** The gateway's radio sent a packet: record it and let the mesh hear it. */
  transmit(raw: Uint8Array): void {
    const at = this.now();
    const copy = new Uint8Array(raw);
    this.sent.push({ at, raw: copy });
    if (this.sent.length > MAX_TRANSMITTED) this.sent.shift();
    const f = frameLayout(copy);
    if (f === null || f.version !== 0) return; // the mesh drops what it cannot parse
    const rng = this.injectCtx.rng;
    if (f.route === ROUTE_FLOOD || f.route === ROUTE_TRANSPORT_FLOOD) {
      const size = f.hashSize as 1 | 2 | 3;
      const hops: Uint8Array[] = [];
      for (let i = 0; i < f.hopCount; i++)
        hops.push(copy.slice(f.pathOffset + i * size, f.pathOffset + (i + 1) * size));
      this.schedule(at, flood(this.topo, rng, GATEWAY, copy, size, hops));
    } else if (f.route === ROUTE_DIRECT && f.hopCount === 0 && f.payloadType === PAYLOAD_CONTROL) {
      this.answerDiscover(at, copy.subarray(f.payloadOffset));
    } else if (f.route === ROUTE_DIRECT && f.hopCount > 0 && f.payloadType !== PAYLOAD_TRACE) {
      const relays = this.resolvePath(copy.subarray(f.pathOffset, f.payloadOffset), f.hashSize);
      // The last relay's copy has no hops left; its addressee is not modelled (-1).
      if (relays)
        this.schedule(
          at,
          direct(this.topo, rng, [GATEWAY, ...relays, -1], copy, f.hashSize as 1 | 2 | 3),
        );
    }
  }

  /**
   * The repeaters a direct path from the gateway names, each a neighbour of
   * the previous; null when a hop matches no such repeater (nobody forwards).
   */
  private resolvePath(path: Uint8Array, size: number): number[] | null {
    const relays: number[] = [];
    let at = GATEWAY;
    for (let o = 0; o + size <= path.length; o += size) {
      const hop = path.subarray(o, o + size);
      const next = (this.topo.neighbours[at] ?? []).find((n) => {
        const node = this.topo.nodes[n] as SimNode;
        return (
          node.role === "repeater" && node.publicKey.subarray(0, size).every((b, i) => b === hop[i])
        );
      });
      if (next === undefined) return null;
      relays.push(next);
      at = next;
    }
    return relays;
  }

  /** What the gateway transmitted, oldest first (the last 1000). */
  transmitted(): readonly Transmitted[] {
    return [...this.sent];
  }

  /** A new node near the gateway floods one advert; the name is sent as given (bounded). */
  injectAdvert(spec: { name: string; role?: SimRole; lat?: number; lon?: number }): RxPacket[] {
    const role = spec.role ?? "chat";
    const id = identityFor(this.opts.seed, 100_000 + this.injected++);
    const node = this.topo.add({
      name: boundUtf8(spec.name, 32 - 1 - 8), // room for flags and a location
      role,
      lat: spec.lat ?? this.gateway.lat + 0.005,
      lon: spec.lon ?? this.gateway.lon + 0.005,
      elevated: false,
      publicKey: id.publicKey,
      publicKeyHex: toHex(id.publicKey, true),
      seed: id.seed,
      hashSize: 1,
    });
    const at = this.now();
    const payload = advertPayload(node, at);
    const raw = encodePacket({
      route: ROUTE_FLOOD,
      payloadType: 4,
      hashSize: 1,
      hops: [],
      payload,
    });
    return this.schedule(at, flood(this.topo, this.injectCtx.rng, node.index, raw, 1, []));
  }

  /** A channel message from a simulated node; sender and text are sent as given (bounded). */
  injectChannelMessage(spec: { channel: string; sender: string; text: string }): RxPacket[] {
    const channel =
      this.ctx.channels.find((c) => c.name === spec.channel) ??
      (/^public$/i.test(spec.channel)
        ? this.channelSlots[0]
        : { name: spec.channel, key: hashtagKey(spec.channel) });
    const near = (this.topo.neighbours[GATEWAY] ?? []).filter(
      (i) => this.topo.nodes[i]?.role !== "repeater",
    );
    const from = this.topo.nodes[near.length > 0 ? this.injectCtx.rng.pick(near) : 1] as SimNode;
    const at = this.now();
    const heard = channelMessage(
      this.injectCtx,
      from,
      channel as SimChannel,
      spec.sender,
      spec.text,
      at,
    );
    return this.schedule(at, heard);
  }

  /** Simulated time now: the clock in live mode, else the timeline's head. */
  now(): number {
    return this.onRx ? this.clock() : this.simNow;
  }

  private answerDiscover(at: number, payload: Uint8Array): void {
    if (((payload[0] ?? 0) & 0xf0) !== 0x80 || payload.length < 6) return;
    const prefixOnly = ((payload[0] ?? 0) & 1) === 1;
    const filter = payload[1] ?? 0;
    const tag = new DataView(payload.buffer, payload.byteOffset + 2, 4).getUint32(0, true);
    const out: Hearing[] = [];
    for (const r of this.topo.neighbours[GATEWAY] ?? []) {
      const node = this.topo.nodes[r] as SimNode;
      const type = ROLE_NUMBERS[node.role];
      if ((filter & (1 << type)) === 0) continue;
      const raw = discoverResponse(this.topo, GATEWAY, r, tag, prefixOnly);
      for (const h of zeroHop(this.topo, this.injectCtx.rng, r, raw)) {
        out.push({ ...h, delayMs: h.delayMs + 100 + this.injectCtx.rng.range(0, 1500) });
      }
    }
    this.schedule(at, out);
  }

  /** Generate one event at the timeline head and advance the head. */
  private step(): void {
    const at = this.simNow;
    const next = this.warmup.shift();
    let heard: Hearing[];
    if (next !== undefined) {
      heard = floodAdvert(this.ctx, this.topo.nodes[next] as SimNode, at);
    } else {
      const kind: EventKind = pickKind(this.scheduleRng);
      heard = generate(this.ctx, kind, at);
    }
    this.schedule(at, heard);
    // Spacing by copies heard keeps the mean reception rate at packetsPerSec.
    const copies = Math.max(heard.length, 0.05);
    this.simNow += this.scheduleRng.exp((copies * 1000) / this.opts.packetsPerSec);
  }

  private schedule(at: number, heard: readonly Hearing[]): RxPacket[] {
    const out: RxPacket[] = [];
    for (const h of heard) {
      const p: Pending = { at: Math.round(at + h.delayMs), seq: this.seq++, h };
      let i = this.pending.length;
      while (i > 0 && (this.pending[i - 1] as Pending).at > p.at) i--;
      this.pending.splice(i, 0, p);
      out.push(this.toRx(p));
    }
    if (this.onRx && heard.length > 0) this.arm();
    return out;
  }

  private toRx(p: Pending): RxPacket {
    return { radioId: this.radioId, raw: p.h.raw.slice(), snr: p.h.snr, rssi: p.h.rssi, at: p.at };
  }

  private rebase(now: number): void {
    const d = now - this.simNow;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i] as Pending;
      this.pending[i] = { ...p, at: p.at + d };
    }
    this.simNow = now;
  }

  private tick(): void {
    this.timer = null;
    const deliver = this.onRx;
    if (!deliver) return;
    for (const rx of this.pump(this.clock())) {
      if (this.onRx !== deliver) return; // stopped from inside the handler
      deliver(rx);
    }
    this.arm();
  }

  private arm(): void {
    if (!this.onRx) return;
    if (this.timer) clearTimeout(this.timer);
    const next = Math.min(this.pending[0]?.at ?? Infinity, this.simNow);
    const delay = Math.max(5, Math.min(2000, next - this.clock()));
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }
}
