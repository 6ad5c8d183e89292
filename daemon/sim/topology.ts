/**
 * The simulated mesh's layout: nodes placed around a centre, RF links derived
 * from distance with a log-distance path-loss model plus seeded shadowing.
 * The link table is the truth tests compare the daemon's neighbour graph with.
 */
import { toHex } from "../core/bytes.ts";
import { identityFromSeed, sha256 } from "../protocol/crypto.ts";
import { makeName } from "./names.ts";
import type { Rng } from "./rng.ts";
import type { SimLink, SimNode, SimRole } from "./types.ts";

export interface TopologyOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly radiusKm: number;
}

/**
 * Radio model. RSSI at 1 km between two ground-level nodes, path-loss
 * exponent for a cluttered city, and the gain a node on a hill or mast gets.
 * With the noise floor of a 62.5 kHz channel (about -120 dBm) and an SF8
 * demodulation floor near -10 dB SNR this gives ~4 km ground to ground,
 * ~9 km ground to hill and ~17 km hill to hill: plausible LoRa ranges.
 */
const RSSI_AT_1KM = -100;
const PATH_LOSS_EXP = 4;
const ELEVATED_GAIN_DB = 12;
const ROOFTOP_GAIN_DB = 4;
export const NOISE_FLOOR_DBM = -120;
/** Links weaker than this (mean SNR) are not usable, leaving fading margin. */
const MIN_LINK_SNR = -7.5;
/** SX126x reports SNR up to about +12..+14 dB however strong the signal. */
const MAX_SNR = 13;
const SHADOWING_SD_DB = 4;

export interface Topology {
  readonly nodes: readonly SimNode[];
  readonly links: readonly SimLink[];
  /** neighbours[i] = indexes of nodes node i hears. */
  readonly neighbours: readonly (readonly number[])[];
  link(a: number, b: number): SimLink | undefined;
  /**
   * Add a node after the fact (test injection). It links to every node in
   * range and always to the gateway, so the gateway hears it directly.
   */
  add(node: Omit<SimNode, "index">): SimNode;
}

const EARTH_KM = 6371;

export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }) {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function offset(
  from: { lat: number; lon: number },
  km: number,
  bearing: number,
): { lat: number; lon: number } {
  const dLat = (km * Math.cos(bearing)) / 111.32;
  const dLon = (km * Math.sin(bearing)) / (111.32 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: round6(from.lat + dLat), lon: round6(from.lon + dLon) };
}

/** Adverts carry int32 / 1e6 degrees; keep positions exactly representable. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Deterministic identity: seed = SHA-256("meshgate-sim", seed, index, attempt). */
export function identityFor(seed: number, index: number) {
  for (let attempt = 0; ; attempt++) {
    const material = new TextEncoder().encode(`meshgate-sim/${seed}/${index}/${attempt}`);
    const s = sha256(material);
    const id = identityFromSeed(s);
    const first = id.publicKey[0];
    // Keys starting 00 or FF are reserved (src/Identity.h); pick another.
    if (first !== 0x00 && first !== 0xff) return id;
  }
}

function pickRole(rng: Rng, i: number): SimRole {
  // The first few non-gateway nodes are fixed so every mesh has each role.
  if (i === 1 || i === 2) return "repeater";
  if (i === 3) return "sensor";
  if (i === 4) return "room";
  return rng.weighted<SimRole>([
    ["repeater", 0.3],
    ["chat", 0.58],
    ["room", 0.06],
    ["sensor", 0.06],
  ]);
}

interface Site {
  lat: number;
  lon: number;
  elevated: boolean;
  role: SimRole;
  /** Gateways and repeaters sit on roofs even when not on a hill. */
  rooftop?: boolean;
}

export function linkBudget(
  a: Site,
  b: Site,
  shadowDb: number,
): { distanceKm: number; snr: number; rssi: number } {
  const d = Math.max(0.05, distanceKm(a, b));
  const gain = (n: Site) =>
    n.elevated ? ELEVATED_GAIN_DB : n.role === "repeater" || n.rooftop ? ROOFTOP_GAIN_DB : 0;
  const rssi = RSSI_AT_1KM - 10 * PATH_LOSS_EXP * Math.log10(d) + gain(a) + gain(b) + shadowDb;
  const snr = Math.min(MAX_SNR, rssi - NOISE_FLOOR_DBM);
  return { distanceKm: d, snr, rssi: Math.max(rssi, NOISE_FLOOR_DBM + snr) };
}

interface Draft extends Site {
  name: string;
}

/** Build the mesh. Node 0 is the gateway at the centre. */
export function buildTopology(opts: TopologyOptions, rng: Rng): Topology {
  const count = Math.max(2, Math.floor(opts.nodes));
  const taken = new Set<string>();
  const drafts: Draft[] = [
    {
      name: makeName("repeater", rng, new Set()).replace(/ \S+$/, " Gateway"),
      role: "chat",
      lat: round6(opts.centre.lat),
      lon: round6(opts.centre.lon),
      elevated: false,
      rooftop: true,
    },
  ];
  taken.add(drafts[0]?.name ?? "");
  for (let i = 1; i < count; i++) {
    const role = pickRole(rng, i);
    const pos = offset(
      opts.centre,
      opts.radiusKm * Math.sqrt(rng.next()),
      rng.range(0, 2 * Math.PI),
    );
    drafts.push({
      name: makeName(role, rng, taken),
      role,
      ...pos,
      elevated: role === "repeater" && rng.chance(0.4),
    });
  }
  // Shadowing is fixed per link, drawn lazily (NaN = not drawn yet) in a
  // triangular table: a Map keyed by strings was most of the build time.
  const shadow = new Float32Array((count * (count - 1)) / 2).fill(Number.NaN);
  const shadowOf = (a: number, b: number): number => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const at = (hi * (hi - 1)) / 2 + lo;
    let v = shadow[at] ?? 0;
    if (Number.isNaN(v)) {
      v = rng.gauss() * SHADOWING_SD_DB;
      shadow[at] = v;
    }
    return v;
  };
  const usable = (a: number, b: number): boolean => {
    const da = drafts[a];
    const db = drafts[b];
    if (!da || !db) return false;
    return linkBudget(da, db, shadowOf(a, b)).snr >= MIN_LINK_SNR;
  };
  connect(drafts, usable, rng);
  return finish(opts.seed, drafts, usable, shadowOf, rng);
}

/**
 * Move nodes the gateway could never hear (no chain of repeaters back to
 * it) next to a repeater that it can, so every node shows up in traffic.
 */
function connect(drafts: Draft[], usable: (a: number, b: number) => boolean, rng: Rng): void {
  for (let round = 0; round < 200; round++) {
    const reach = reachable(drafts, usable);
    const lost = drafts.map((_, i) => i).filter((i) => !reach.has(i));
    if (lost.length === 0) return;
    const anchors = [...reach].filter((i) => i === 0 || drafts[i]?.role === "repeater");
    // Move every lost node in one round; a moved repeater may bring others in.
    for (const i of lost) {
      const anchor = drafts[rng.pick(anchors)];
      const d = drafts[i];
      if (!anchor || !d) return;
      const pos = offset(anchor, rng.range(0.3, 2.5), rng.range(0, 2 * Math.PI));
      d.lat = pos.lat;
      d.lon = pos.lon;
    }
  }
}

/** Nodes whose transmissions can reach the gateway through repeaters. */
function reachable(drafts: Draft[], usable: (a: number, b: number) => boolean): Set<number> {
  const relays = new Set<number>([0]);
  const queue = [0];
  while (queue.length > 0) {
    const cur = queue.shift() as number;
    for (let j = 1; j < drafts.length; j++) {
      if (relays.has(j) || drafts[j]?.role !== "repeater" || !usable(cur, j)) continue;
      relays.add(j);
      queue.push(j);
    }
  }
  const out = new Set(relays);
  for (let j = 1; j < drafts.length; j++) {
    for (const r of relays) {
      if (usable(r, j)) {
        out.add(j);
        break;
      }
    }
  }
  return out;
}

function finish(
  seed: number,
  drafts: Draft[],
  usable: (a: number, b: number) => boolean,
  shadowOf: (a: number, b: number) => number,
  rng: Rng,
): Topology {
  const nodes: SimNode[] = drafts.map((d, index) => {
    const id = identityFor(seed, index);
    const hashSize = rng.weighted<1 | 2 | 3>([
      [1, 0.7],
      [2, 0.22],
      [3, 0.08],
    ]);
    return {
      index,
      ...d,
      publicKey: id.publicKey,
      publicKeyHex: toHex(id.publicKey, true),
      seed: id.seed,
      hashSize,
    };
  });
  const links: SimLink[] = [];
  const byPair = new Map<number, SimLink>();
  const neighbours: number[][] = nodes.map(() => []);
  const addLink = (a: number, b: number, budget: Omit<SimLink, "a" | "b">): void => {
    const link: SimLink = { a, b, ...budget };
    links.push(link);
    byPair.set(a * 65536 + b, link);
    neighbours[a]?.push(b);
    neighbours[b]?.push(a);
  };
  for (let a = 0; a < nodes.length; a++) {
    for (let b = a + 1; b < nodes.length; b++) {
      if (usable(a, b))
        addLink(a, b, linkBudget(drafts[a] as Draft, drafts[b] as Draft, shadowOf(a, b)));
    }
  }
  const add = (n: Omit<SimNode, "index">): SimNode => {
    const node: SimNode = { ...n, index: nodes.length };
    nodes.push(node);
    neighbours.push([]);
    for (let j = 0; j < node.index; j++) {
      const other = nodes[j] as SimNode;
      const budget = linkBudget(node, j === 0 ? { ...other, rooftop: true } : other, 0);
      if (j === 0 && budget.snr < MIN_LINK_SNR + 3) {
        addLink(0, node.index, { ...budget, snr: MIN_LINK_SNR + 3, rssi: NOISE_FLOOR_DBM - 4 });
      } else if (budget.snr >= MIN_LINK_SNR) {
        addLink(j, node.index, budget);
      }
    }
    return node;
  };
  return {
    nodes,
    links,
    neighbours,
    link: (a, b) => byPair.get(a < b ? a * 65536 + b : b * 65536 + a),
    add,
  };
}
