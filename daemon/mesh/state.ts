/**
 * One complete, swappable model state: graph, node table, rollups and
 * counters. `observe` folds one observation in, in time proportional to its
 * path length. A rebuild fills a fresh MeshState off to the side and the
 * model swaps it in whole.
 */
import { Activity } from "./activity.ts";
import { loraAirtimeMs } from "./airtime.ts";
import { Ring } from "./analytics.ts";
import { EDGE_ADVERT, EDGE_RELAY, EDGE_RX, Graph } from "./graph.ts";
import { NodeTable } from "./nodes.ts";
import { distanceKm } from "./prefix-index.ts";
import { hasPosition, type ResolveContext, type ResolvedHop, resolvePath } from "./resolve.ts";
import { isFlood, type MeshObservation, PT, type ResolvedMeshConfig } from "./types.ts";

const MAX_HOPS = 64;
const HEX = /^[0-9a-f]+$/;
/** An edge longer than maxLinkKm keeps this share of its sighting's confidence. */
const IMPLAUSIBLE_FACTOR = 0.05;
/** Certain links needed before their mean length is trusted as the mesh's scale. */
const MIN_LINK_SAMPLES = 10;

export interface Counters {
  observations: number;
  rejected: number;
  trace: number;
  hopsUnique: number;
  hopsContext: number;
  hopsAmbiguous: number;
  hopsUnknown: number;
  implausibleLinks: number;
  edgesPruned: number;
}

/** Why an observation is refused, or null when it is usable. Hostile input lands here. */
export function checkObservation(o: MeshObservation): string | null {
  if (!o || typeof o !== "object") return "not-an-object";
  if (typeof o.hash !== "string" || o.hash.length === 0 || o.hash.length > 64) return "bad-hash";
  if (typeof o.at !== "number" || !Number.isFinite(o.at)) return "bad-time";
  if (typeof o.radioId !== "string" || o.radioId.length > 64) return "bad-radio";
  if (!Array.isArray(o.hops) || o.hops.length > MAX_HOPS) return "bad-hops";
  if (o.payloadType === PT.TRACE) return null; // TRACE "hops" are SNR bytes, never used as hops
  if (o.hops.length > 0) {
    if (!Number.isInteger(o.hashSize) || o.hashSize < 1 || o.hashSize > 3) return "bad-hash-size";
    for (const h of o.hops) {
      if (typeof h !== "string" || h.length !== o.hashSize * 2 || !HEX.test(h)) return "bad-hop";
    }
  }
  return null;
}

export class MeshState {
  readonly graph: Graph;
  readonly nodes: NodeTable;
  readonly minutes = new Ring(60_000, 1440);
  readonly hours = new Ring(3_600_000, 720);
  readonly activity = new Activity();
  readonly counters: Counters = {
    observations: 0,
    rejected: 0,
    trace: 0,
    hopsUnique: 0,
    hopsContext: 0,
    hopsAmbiguous: 0,
    hopsUnknown: 0,
    implausibleLinks: 0,
    edgesPruned: 0,
  };
  readonly rejectReasons = new Map<string, number>();
  /** Highest store observation id folded in (rebuild watermark). */
  lastId = 0;
  /** Told of a new node or a fresh advert (set on the live state only, never during a rebuild). */
  onNode: ((publicKey: string, change: "new" | "updated") => void) | null = null;
  /** Lengths of certain, plausible links: the mesh's own distance scale. */
  readonly linkKm = { n: 0, sum: 0 };
  /** The resolver context of this state (also read by paths.ts). */
  readonly ctx: ResolveContext;

  constructor(readonly cfg: ResolvedMeshConfig) {
    this.graph = new Graph(cfg.edgeHalfLifeMs);
    this.nodes = new NodeTable(cfg);
    this.ctx = {
      index: this.nodes.index,
      nodeInfo: (k) => this.nodes.info(k),
      edgeSightings: (a, b) => this.graph.certainOf(a, b),
      maxLinkKm: cfg.maxLinkKm,
      typicalLinkKm: () =>
        this.linkKm.n >= MIN_LINK_SAMPLES ? this.linkKm.sum / this.linkKm.n : null,
      minConfidence: cfg.minResolveConfidence,
    };
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
    if (typeof o.id === "number" && o.id > this.lastId) this.lastId = o.id;
    const at = o.at;
    const hops = o.hops;
    const radio = this.activity.radio(o.radioId);
    const params = radio?.params;
    const airtime = params && o.rawLength > 0 ? loraAirtimeMs(o.rawLength, params) : 0;
    const bucket = {
      at,
      firstSeen: o.firstSeen,
      payloadType: o.payloadType,
      route: o.route,
      hashSize: o.hashSize,
      hopCount: hops.length,
      snr: finite(o.snr),
      rssi: finite(o.rssi),
      radioId: o.radioId,
      airtimeMs: Number.isFinite(airtime) ? airtime : 0,
    };
    this.minutes.add(bucket);
    this.hours.add(bucket);
    if (o.payloadType === PT.GRP_TXT && o.firstSeen && typeof o.channel === "string") {
      this.activity.channel(o.channel, at);
    }
    const radioKey = upperKey(o.radioKey) ?? radio?.publicKey ?? null;
    if (radioKey) {
      // Our own radio is alive while it hears anything.
      const self = this.nodes.ensure(radioKey, at);
      if (self) this.nodes.heard(self, at, 0);
    }
    const flood = isFlood(o.route);
    let origin: string | null = null;
    if (o.advert && o.payloadType === PT.ADVERT) {
      const advertKey = String(o.advert.publicKey).toUpperCase();
      const existed = this.nodes.get(advertKey) !== undefined;
      const n = this.nodes.advert(
        { ...o.advert, publicKey: advertKey },
        at,
        hops.length,
        o.firstSeen,
      );
      if (n) {
        origin = n.publicKey;
        if (o.firstSeen) this.activity.talk(origin, at, true);
        if (!existed || o.firstSeen) this.onNode?.(origin, existed ? "updated" : "new");
      }
    }
    if (o.payloadType === PT.TRACE) {
      this.counters.trace++;
      return null;
    }
    if (hops.length === 0) {
      if (flood && origin && radioKey && origin !== radioKey) {
        this.link(origin, radioKey, 1, true, o, EDGE_RX, true);
        const n = this.nodes.get(origin);
        if (n) this.nodes.direct(n, at, bucket.snr, bucket.rssi);
      }
      return null;
    }
    const resolved = resolvePath(
      hops,
      o.hashSize,
      flood ? origin : null,
      flood ? radioKey : null,
      this.ctx,
    );
    const ids: string[] = new Array(resolved.length);
    const confs: number[] = new Array(resolved.length);
    const sure: boolean[] = new Array(resolved.length);
    for (let i = 0; i < resolved.length; i++) {
      const r = resolved[i]!;
      this.countHop(r);
      if (r.key !== null && r.confidence >= this.cfg.minResolveConfidence) {
        ids[i] = r.key;
        confs[i] = r.confidence;
        sure[i] = r.how === "unique";
        // Remaining hops of a direct packet have not sent it yet: not "heard".
        if (flood) {
          const n = this.nodes.get(r.key);
          if (n) {
            this.nodes.heard(n, at, hops.length - 1 - i);
            if (o.firstSeen) n.relayed++;
          }
        }
      } else {
        ids[i] = `?${r.prefix}`;
        confs[i] = 1; // certain as a prefix; the id says it is unresolved
        sure[i] = false;
      }
      if (flood && o.firstSeen) this.activity.talk(ids[i]!, at, false);
    }
    for (let i = 0; i + 1 < ids.length; i++) {
      const ok = sure[i]! && sure[i + 1]!;
      this.link(ids[i]!, ids[i + 1]!, confs[i]! * confs[i + 1]!, ok, o, EDGE_RELAY, false);
    }
    if (!flood) return null;
    if (origin) this.link(origin, ids[0]!, confs[0]!, sure[0]!, o, EDGE_ADVERT, false);
    const last = ids.length - 1;
    if (radioKey) {
      this.link(ids[last]!, radioKey, confs[last]!, sure[last]!, o, EDGE_RX, true);
      const n = this.nodes.get(ids[last]!);
      if (n) this.nodes.direct(n, at, bucket.snr, bucket.rssi);
    }
    return null;
  }

  /** Drop stale edges and the weakest past the cap. */
  prune(now: number): number {
    const n = this.graph.prune(now, now - this.cfg.edgePruneMs, this.cfg.maxEdges);
    this.counters.edgesPruned += n;
    return n;
  }

  private link(
    a: string,
    b: string,
    conf: number,
    certain: boolean,
    o: MeshObservation,
    kind: number,
    radioLink: boolean,
  ): void {
    if (a === b) return;
    let c = conf;
    const na = this.nodes.info(a);
    const nb = this.nodes.info(b);
    if (hasPosition(na) && hasPosition(nb)) {
      const d = distanceKm(na.lat, na.lon, nb.lat, nb.lon);
      if (d > this.cfg.maxLinkKm) {
        this.counters.implausibleLinks++;
        c *= IMPLAUSIBLE_FACTOR;
      } else if (certain && this.graph.certainOf(a, b) === 0) {
        this.linkKm.n++;
        this.linkKm.sum += d;
      }
    }
    this.graph.add(a, b, {
      hash: o.hash,
      at: o.at,
      hashSize: o.hashSize,
      kind,
      confidence: c,
      certain,
      snr: radioLink ? finite(o.snr) : null,
      rssi: radioLink ? finite(o.rssi) : null,
    });
  }

  private countHop(r: ResolvedHop): void {
    if (r.how === "unique") this.counters.hopsUnique++;
    else if (r.how === "context") this.counters.hopsContext++;
    else if (r.how === "ambiguous") this.counters.hopsAmbiguous++;
    else this.counters.hopsUnknown++;
  }
}

function finite(v: number | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function upperKey(k: string | null | undefined): string | null {
  return typeof k === "string" && k.length === 64 ? k.toUpperCase() : null;
}
