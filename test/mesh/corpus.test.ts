/**
 * The real capture through the model: 500 observations from 31 observers,
 * with the 200-node table as the known keys. Prints how many hops resolved,
 * stayed ambiguous or matched no known node; asserts invariants only (the
 * capture has no ground truth for links).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import type { NodeRow, PacketRow } from "../../daemon/store/api.ts";
import { CORPUS_DIR, HAS_CORPUS } from "../support/paths.ts";

const ROLES: Record<string, number> = { companion: 1, chat: 1, repeater: 2, room: 3, sensor: 4 };

interface Line {
  raw: string;
  heard_at: string;
  observer: { id: string };
}

function load() {
  const lines = readFileSync(join(CORPUS_DIR, "corescope-fixture-packets.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const nodes = JSON.parse(
    readFileSync(join(CORPUS_DIR, "corescope-fixture-nodes.json"), "utf8"),
  ) as {
    public_key: string;
    name: string | null;
    role: string;
    lat: number | null;
    lon: number | null;
    advert_count: number;
  }[];
  const rows: PacketRow[] = [];
  const radioKeys = new Map<string, string>();
  let undecodable = 0;
  let hopsTotal = 0;
  const seen = new Set<string>();
  for (const l of lines) {
    const raw = Uint8Array.from(Buffer.from(l.raw, "hex"));
    const d = decodePacket(raw, { channels: [], verifySignatures: false });
    if (!d.ok) {
      undecodable++;
      continue;
    }
    const p = d.packet;
    const hops: string[] = [];
    for (let i = 0; i < p.hopCount; i++) {
      hops.push(Buffer.from(p.path.subarray(i * p.hashSize, (i + 1) * p.hashSize)).toString("hex"));
    }
    if (p.payloadType !== 9) hopsTotal += hops.length;
    const radioId = l.observer.id.slice(0, 16);
    radioKeys.set(radioId, l.observer.id.toUpperCase());
    rows.push({
      id: rows.length + 1,
      hash: p.hash,
      raw,
      radioId,
      at: Date.parse(l.heard_at),
      snr: null,
      rssi: null,
      payloadType: p.payloadType,
      route: p.route,
      hashSize: p.hashSize,
      hops,
      firstSeen: !seen.has(p.hash),
      summary: "",
      error: null,
    });
    seen.add(p.hash);
  }
  const nodeRows: NodeRow[] = nodes.map((n) => ({
    publicKey: n.public_key.toUpperCase(),
    name: n.name,
    role: ROLES[n.role] ?? 0,
    lat: n.lat,
    lon: n.lon,
    firstSeen: 0,
    lastSeen: 0,
    lastAdvert: 0,
    advertTimestamp: 0,
    advertCount: n.advert_count,
    extras: null,
  }));
  return { rows, nodeRows, radioKeys, undecodable, hopsTotal };
}

describe.skipIf(!HAS_CORPUS)("real corpus through the mesh model", () => {
  it("resolves hops against the known-node table with sane invariants", async () => {
    const { rows, nodeRows, radioKeys, undecodable, hopsTotal } = load();
    const now = Math.max(...rows.map((r) => r.at)) + 60_000;
    const model = new MeshModel({ config: {}, log: silentLogger(), now: () => now });
    for (const [id, key] of radioKeys) {
      model.radioStats({
        id,
        driver: "companion",
        state: "up",
        since: 0,
        lastError: null,
        publicKey: key,
        name: null,
        params: { freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 },
        model: null,
        firmware: null,
        clockSkewSec: null,
        stats: null,
        counters: {},
      });
    }
    await model.rebuild({
      scanObservations: async (after, limit) => rows.filter((r) => r.id > after).slice(0, limit),
      listNodes: async () => nodeRows,
    });
    const s = model.stats();
    const c = s.counters;
    const r = s.resolution;
    const g = model.graph();
    const resolvedEdges = model.graph({ resolvedOnly: true }).edges;
    const col = model.collisions();
    console.log(
      `[mesh corpus] observations=${c.observations} undecodable=${undecodable} trace=${c.trace} hops=${hopsTotal} ` +
        `evidence edges ${JSON.stringify(r)} ` +
        `edges=${g.edges.length} resolvedEdges=${resolvedEdges.length} implausible=${c.implausibleLinks} ` +
        `knownNodes=${s.nodes} shared1=${col.shared["1"]} shared2=${col.shared["2"]}`,
    );
    expect(c.observations).toBe(rows.length);
    expect(c.rejected).toBe(0);
    expect(c.trace).toBe(8); // corpus README: TRACE 8
    // Every evidence edge is settled exactly one way.
    expect(Object.values(r).reduce((x, y) => x + y, 0)).toBe(s.edges);
    expect(hopsTotal).toBeGreaterThan(0);
    expect(r.unique ?? 0).toBeGreaterThan(0);
    expect((r.ambiguous ?? 0) + (r.context ?? 0)).toBeGreaterThan(0); // 1-byte prefixes collide at 200 nodes
    expect(col.shared["1"]).toBeGreaterThan(0);
    const known = new Set([...nodeRows.map((n) => n.publicKey), ...radioKeys.values()]);
    for (const e of g.edges) {
      for (const id of [e.a, e.b]) {
        if (id.startsWith("?")) expect(id).toMatch(/^\?[0-9a-f]{2,6}$/);
        else if (id.startsWith("@")) expect(radioKeys.has(id.slice(1))).toBe(false);
        else expect(known.has(id)).toBe(true);
      }
      expect(e.confidence).toBeGreaterThanOrEqual(0);
      expect(e.confidence).toBeLessThanOrEqual(1);
      expect(e.sightings).toBeLessThanOrEqual(e.observations);
    }
    // Every known node has exactly one status.
    expect(s.health.healthy + s.health.degraded + s.health.silent).toBe(s.nodes);
    const a = model.analytics("types", "30d");
    const total = a && "points" in a ? a.points.reduce((n, p) => n + (p.ADVERT ?? 0), 0) : 0;
    expect(total).toBe(rows.filter((r) => r.payloadType === 4).length);
  });
});
