/**
 * One complete, swappable model state: evidence graph, node table, token
 * statistics, rollups and counters. `observe` folds one observation in, in
 * time proportional to its path length, recording only what was heard (path
 * tokens, never guesses). `settle` then works out which nodes every edge
 * joins, from the whole state at once: the live model and a rebuild over the
 * same hearings settle to the same graph, whatever order keys were learnt in.
 */
import { PAYLOAD_ADVERT, PAYLOAD_GRP_TXT, PAYLOAD_TRACE } from "../protocol/constants.ts";
import { Activity } from "./activity.ts";
import { loraAirtimeMs } from "./airtime.ts";
import { type BucketInput, Ring } from "./analytics.ts";
import { EDGE_ADVERT, EDGE_RELAY, EDGE_RX, type EdgeEnds, Graph, type Sighting } from "./graph.ts";
import { type NodeState, NodeTable } from "./nodes.ts";
import { PairCounts } from "./pair-counts.ts";
import { distanceKm } from "./prefix-index.ts";
import { hasPosition, type ResolveContext, resolveEdge, sureId, uniqueKey } from "./resolve.ts";
import { mergeStats } from "./stats.ts";
import { type TokenStats, TokenTable } from "./token-table.ts";
import { isFlood, type MeshObservation, type ResolvedMeshConfig } from "./types.ts";

const MAX_HOPS = 64;
const HEX = /^[0-9a-f]+$/;
const KEY = /^[0-9A-F]{64}$/;
/** Certain links needed before their mean length is trusted as the mesh's scale. */
const MIN_LINK_SAMPLES = 10;
/** Tokens (path hashes, radios) whose hearing statistics are kept. */
const MAX_TOKENS = 50_000;
/** Token strings kept for reuse (a mesh's path hashes and radios; more are made each time). */
const MAX_CACHED_TOKENS = 4096;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Counters {
  observations: number;
  rejected: number;
  trace: number;
  /** Edges whose resolved ends are further apart than maxLinkKm (at the last settle). */
  implausibleLinks: number;
  edgesPruned: number;
  /** Edges re-resolved because a key sharing one of their prefixes was learnt. */
  reattributed: number;
  settles: number;
}

/** What the gateway knows of one of its radios: from the radios table, SELF_INFO and config. */
export interface RadioIdentity {
  readonly radioId: string;
  /** Upper hex, 64 chars. */
  readonly publicKey: string;
  readonly name: string | null;
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
}

/** Why an observation is refused, or null when it is usable. Hostile input lands here. */
export function checkObservation(o: MeshObservation): string | null {
  if (!o || typeof o !== "object") return "not-an-object";
  if (typeof o.hash !== "string" || o.hash.length === 0 || o.hash.length > 64) return "bad-hash";
  if (typeof o.at !== "number" || !Number.isFinite(o.at)) return "bad-time";
  if (typeof o.radioId !== "string" || o.radioId.length > 64) return "bad-radio";
  if (!Array.isArray(o.hops) || o.hops.length > MAX_HOPS) return "bad-hops";
  if (o.payloadType === PAYLOAD_TRACE) return null; // TRACE "hops" are SNR bytes, never used as hops
  if (o.hops.length > 0) {
    if (!Number.isInteger(o.hashSize) || o.hashSize < 1 || o.hashSize > 3) return "bad-hash-size";
    for (const h of o.hops) {
      if (typeof h !== "string" || h.length !== o.hashSize * 2 || !HEX.test(h)) return "bad-hop";
    }
  }
  return null;
}

/** A step budget of n calls (settleSteps' default). */
function everyNth(n: number): () => boolean {
  let i = 0;
  return () => ++i % n === 0;
}

export class MeshState {
  readonly graph: Graph;
  readonly nodes: NodeTable;
  readonly tokens = new TokenTable();
  readonly radioIds = new Map<string, RadioIdentity>();
  readonly minutes = new Ring(60_000, 1440);
  readonly hours = new Ring(3_600_000, 720);
  readonly activity = new Activity();
  readonly counters: Counters = {
    observations: 0,
    rejected: 0,
    trace: 0,
    implausibleLinks: 0,
    edgesPruned: 0,
    reattributed: 0,
    settles: 0,
  };
  readonly rejectReasons = new Map<string, number>();
  /** Highest store observation id folded in (rebuild watermark). */
  lastId = 0;
  /** Something changed since the last settle. */
  stale = false;
  /**
   * Resolve edges as they appear and re-weigh them as keys arrive. A rebuild
   * turns this off while it replays the store and settles every edge once at
   * the end instead: the answer is the same, without weighing each edge twice.
   */
  resolveLive = true;
  /** Told of a new node or a fresh advert (set on the live state only, never during a rebuild). */
  onNode: ((publicKey: string, change: "new" | "updated") => void) | null = null;
  /** Told of every edge and token touched (persistence); null when nobody listens. */
  onTouch: ((kind: "edge" | "token" | "node" | "radio" | "bucket", id: string) => void) | null =
    null;
  /** Certain sightings per key pair, from the last settle. */
  private certainPairs = new PairCounts();
  /** Lengths of certain, plausible links: the mesh's own distance scale. */
  private linkKm = { n: 0, sum: 0 };
  readonly ctx: ResolveContext;
  /** Scratch records and token strings reused by `observe` (see there). */
  private readonly bucket: Mutable<BucketInput> = {
    at: 0,
    firstSeen: false,
    payloadType: 0,
    route: 0,
    hashSize: 0,
    hopCount: 0,
    snr: null,
    rssi: null,
    radioId: "",
    airtimeMs: 0,
  };
  private readonly sighting: Mutable<Sighting> = {
    hash: "",
    at: 0,
    hashSize: 0,
    kind: 0,
    snr: null,
    rssi: null,
  };
  private readonly toks: string[] = [];
  private readonly radioTokens = new Map<string, string>();
  private readonly hopTokens = new Map<string, string>();

  constructor(readonly cfg: ResolvedMeshConfig) {
    this.graph = new Graph(cfg.edgeHalfLifeMs);
    this.nodes = new NodeTable(cfg);
    this.nodes.onEvict = (key) => this.onTouch?.("node", key);
    this.ctx = {
      index: this.nodes.index,
      nodeInfo: (k) => this.nodes.info(k),
      certain: (x, y) => this.certainPairs.get(x, y),
      radioKey: (id) => this.radioIds.get(id)?.publicKey ?? null,
      maxLinkKm: cfg.maxLinkKm,
      typicalLinkKm: () =>
        this.linkKm.n >= MIN_LINK_SAMPLES ? this.linkKm.sum / this.linkKm.n : null,
      minConfidence: cfg.minResolveConfidence,
    };
  }

  /**
   * Learn (or correct) a radio's identity: the gateway is a node, with the
   * name, role and position given here (config over what the radio says).
   */
  setRadio(id: RadioIdentity): void {
    if (!KEY.test(id.publicKey)) return;
    const prev = this.radioIds.get(id.radioId);
    const same =
      prev &&
      prev.publicKey === id.publicKey &&
      prev.name === id.name &&
      prev.role === id.role &&
      prev.lat === id.lat &&
      prev.lon === id.lon;
    if (same) return;
    this.radioIds.set(id.radioId, id);
    const isNew = !this.nodes.has(id.publicKey);
    this.nodes.pin(id.publicKey, { name: id.name, role: id.role, lat: id.lat, lon: id.lon });
    if (isNew) this.reattribute(id.publicKey);
    if (this.resolveLive)
      for (const e of this.graph.edgesOf(`@${id.radioId}`)) e.res = resolveEdge(e.a, e.b, this.ctx);
    this.stale = true;
    this.onTouch?.("node", id.publicKey);
    this.onTouch?.("radio", id.radioId);
  }

  /** Returns the refusal reason, or null when folded in. */
  observe(o: MeshObservation): string | null {
    const bad = checkObservation(o);
    if (bad) {
      this.counters.rejected++;
      this.rejectReasons.set(bad, (this.rejectReasons.get(bad) ?? 0) + 1);
      return bad;
    }
    this.counters.observations++;
    this.stale = true;
    if (typeof o.id === "number" && o.id > this.lastId) this.lastId = o.id;
    const at = o.at;
    const hops = o.hops;
    const radio = this.activity.radio(o.radioId);
    const params = radio?.params;
    const airtime = params && o.rawLength > 0 ? loraAirtimeMs(o.rawLength, params) : 0;
    const snr = finite(o.snr);
    const rssi = finite(o.rssi);
    // One scratch record for the rollups (they keep none of it): an object
    // per observation was a good part of a rebuild's garbage.
    const bucket = this.bucket;
    bucket.at = at;
    bucket.firstSeen = o.firstSeen;
    bucket.payloadType = o.payloadType;
    bucket.route = o.route;
    bucket.hashSize = o.hashSize;
    bucket.hopCount = hops.length;
    bucket.snr = snr;
    bucket.rssi = rssi;
    bucket.radioId = o.radioId;
    bucket.airtimeMs = Number.isFinite(airtime) ? airtime : 0;
    this.minutes.add(bucket);
    this.hours.add(bucket);
    this.onTouch?.("bucket", String(at));
    if (o.payloadType === PAYLOAD_GRP_TXT && o.firstSeen && typeof o.channel === "string") {
      this.activity.channel(o.channel, at);
    }
    const radioKey = upperKey(o.radioKey);
    const known = this.radioIds.get(o.radioId);
    if (radioKey && known?.publicKey !== radioKey) {
      this.setRadio({
        radioId: o.radioId,
        publicKey: radioKey,
        name: known?.name ?? null,
        role: known?.role ?? 0,
        lat: known?.lat ?? null,
        lon: known?.lon ?? null,
      });
    }
    const radioTok = this.radioToken(o.radioId);
    // Our own radio is alive while it hears anything.
    const rt = this.token(radioTok);
    if (rt >= 0) this.tokens.alive(rt, at);
    const flood = isFlood(o.route);
    let origin: string | null = null;
    if (o.advert && o.payloadType === PAYLOAD_ADVERT) {
      const advertKey = String(o.advert.publicKey).toUpperCase();
      const existed = this.nodes.has(advertKey);
      const key = this.nodes.advert(
        { ...o.advert, publicKey: advertKey },
        at,
        hops.length,
        o.firstSeen,
      );
      if (key) {
        origin = key;
        this.onTouch?.("node", origin);
        if (o.firstSeen) this.activity.talk(origin, at, true);
        if (!existed) this.reattribute(origin);
        if (!existed || o.firstSeen) this.onNode?.(origin, existed ? "updated" : "new");
      }
    }
    if (o.payloadType === PAYLOAD_TRACE) {
      this.counters.trace++;
      return null;
    }
    if (hops.length === 0) {
      if (flood && origin) {
        this.link(origin, radioTok, o, EDGE_RX, true);
        this.nodes.direct(origin, at, snr, rssi);
      }
      return null;
    }
    const toks = this.toks;
    toks.length = hops.length;
    for (let i = 0; i < hops.length; i++) {
      const t = this.hopToken(hops[i]!);
      toks[i] = t;
      // Remaining hops of a direct packet have not sent it yet: not "heard".
      if (flood) {
        const away = hops.length - 1 - i;
        const s = this.token(t);
        if (s >= 0) this.tokens.heard(s, at, away, !!o.firstSeen);
        if (o.firstSeen) this.activity.talk(t, at, false);
      }
    }
    for (let i = 0; i + 1 < toks.length; i++)
      this.link(toks[i]!, toks[i + 1]!, o, EDGE_RELAY, false);
    if (!flood) return null;
    if (origin) this.link(origin, toks[0]!, o, EDGE_ADVERT, false);
    const last = toks[toks.length - 1]!;
    this.link(last, radioTok, o, EDGE_RX, true);
    const ls = this.token(last);
    if (ls >= 0) this.tokens.direct(ls, at, snr, rssi);
    return null;
  }

  /** Drop stale edges and the weakest past the cap. */
  prune(now: number): EdgeEnds[] {
    const steps = this.pruneSteps(now);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /** `prune` as steps of at most `chunk` edges or tokens each (for the scheduler). */
  *pruneSteps(now: number, chunk = 4096): Generator<undefined, EdgeEnds[], void> {
    const cutoff = now - this.cfg.edgePruneMs;
    const dropped = yield* this.graph.pruneSteps(now, cutoff, this.cfg.maxEdges, chunk);
    this.counters.edgesPruned += dropped.length;
    for (const e of dropped) this.onTouch?.("edge", `${e.a}|${e.b}`);
    let n = 0;
    for (const t of this.tokens.keys()) {
      if (!this.graph.hasToken(t) && this.tokens.lastHeard(t) < cutoff) {
        this.tokens.delete(t);
        this.onTouch?.("token", t);
      }
      if (++n % chunk === 0) yield;
    }
    return dropped;
  }

  /** Resolve every edge against the whole state now (synchronous). */
  settle(): void {
    for (const _ of this.settleSteps()) {
      // run to the end
    }
  }

  /**
   * The settle as steps (for the scheduler): a step ends after the edge for
   * which `spend` says so (a budget of edges and of time: an edge between
   * two 1-byte hashes with 24 candidates each is 600 weighings, and 256
   * such edges took 100-150 ms at 20,000 nodes). Certain links first (both
   * ends known without weighing), then every edge weighed against them.
   * Edges added meanwhile are resolved as they come and again at the next
   * settle.
   */
  *settleSteps(spend: () => boolean = everyNth(512)): Generator<undefined, void, void> {
    this.stale = false;
    const edges = [...this.graph.values()];
    const pairs = new PairCounts();
    const km = { n: 0, sum: 0 };
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i]!;
      const x = sureId(e.a, this.ctx);
      const y = x === null ? null : sureId(e.b, this.ctx);
      if (x !== null && y !== null && x !== y) {
        if (pairs.add(x, y, e.sightings)) {
          const d = this.distance(x, y);
          if (d !== null && d <= this.cfg.maxLinkKm) {
            km.n++;
            km.sum += d;
          }
        }
      }
      if (spend()) yield;
    }
    this.certainPairs = pairs;
    this.linkKm = km;
    let implausible = 0;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i]!;
      const r = resolveEdge(e.a, e.b, this.ctx);
      e.res = r;
      const d = this.distance(r.a, r.b);
      if (d !== null && d > this.cfg.maxLinkKm) implausible++;
      if (spend()) yield;
    }
    this.counters.implausibleLinks = implausible;
    this.counters.settles++;
  }

  /**
   * A node as served: its own record plus what was heard of the tokens that
   * stand for it alone (its radio token, path hashes no other known key shares).
   */
  nodeView(n: NodeState): NodeState {
    const key = n.publicKey;
    let v: NodeState | null = null;
    const fold = (t: TokenStats | undefined) => {
      if (!t) return;
      v ??= { ...n };
      if (t.lastHeard > v.lastHeard) v.lastHeard = t.lastHeard;
      if (t.fewestHops !== null && (v.fewestHops === null || t.fewestHops < v.fewestHops))
        v.fewestHops = t.fewestHops;
      v.relayed += t.relayed;
      if (t.lastDirect > v.lastDirect) v.lastDirect = t.lastDirect;
      v.snr = mergeStats(v.snr, t.snr, t.lastDirect >= v.lastDirect);
      v.rssi = mergeStats(v.rssi, t.rssi, t.lastDirect >= v.lastDirect);
    };
    for (let b = 1; b <= 3; b++) {
      const t = `?${key.slice(0, b * 2).toLowerCase()}`;
      if (uniqueKey(t, this.ctx) === key) fold(this.tokens.get(t));
    }
    for (const r of this.radioIds.values())
      if (r.publicKey === key) fold(this.tokens.get(`@${r.radioId}`));
    return v ?? n;
  }

  /** Distance between two known, positioned nodes; null otherwise. */
  distance(x: string, y: string): number | null {
    const a = this.nodes.info(x);
    const b = this.nodes.info(y);
    return hasPosition(a) && hasPosition(b) ? distanceKm(a.lat, a.lon, b.lat, b.lon) : null;
  }

  /**
   * A key joined the index: every edge on a token it may stand for is weighed
   * again now (its earlier "unique" answers were never certain).
   */
  private reattribute(key: string): void {
    if (!this.resolveLive) return;
    for (let b = 1; b <= 3; b++) {
      const t = `?${key.slice(0, b * 2).toLowerCase()}`;
      for (const e of this.graph.edgesOf(t)) {
        e.res = resolveEdge(e.a, e.b, this.ctx);
        this.counters.reattributed++;
      }
    }
  }

  /** A token's row in `tokens` to update (marked touched), or -1 past MAX_TOKENS. */
  private token(t: string): number {
    if (this.tokens.size >= MAX_TOKENS && !this.tokens.has(t)) return -1;
    this.onTouch?.("token", t);
    return this.tokens.rowOf(t);
  }

  /** `@` + a radio id, the same string each time (no new string per observation). */
  private radioToken(radioId: string): string {
    let t = this.radioTokens.get(radioId);
    if (t === undefined) {
      t = `@${radioId}`;
      if (this.radioTokens.size < MAX_CACHED_TOKENS) this.radioTokens.set(radioId, t);
    }
    return t;
  }

  /** `?` + a path hash, the same string each time while the cache has room. */
  private hopToken(hop: string): string {
    let t = this.hopTokens.get(hop);
    if (t === undefined) {
      t = `?${hop}`;
      if (this.hopTokens.size < MAX_CACHED_TOKENS) this.hopTokens.set(hop, t);
    }
    return t;
  }

  private link(a: string, b: string, o: MeshObservation, kind: number, radioLink: boolean): void {
    // One scratch sighting per state: Graph.add keeps none of it.
    const s = this.sighting;
    s.hash = o.hash;
    s.at = o.at;
    s.hashSize = o.hashSize;
    s.kind = kind;
    s.snr = radioLink ? finite(o.snr) : null;
    s.rssi = radioLink ? finite(o.rssi) : null;
    const e = this.graph.add(a, b, s);
    if (!e) return;
    if (e.observations === 1 && this.resolveLive) e.res = resolveEdge(e.a, e.b, this.ctx);
    this.onTouch?.("edge", `${e.a}|${e.b}`);
  }
}

function finite(v: number | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function upperKey(k: string | null | undefined): string | null {
  return typeof k === "string" && k.length === 64 ? k.toUpperCase() : null;
}
