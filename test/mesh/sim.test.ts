/**
 * The mesh model against the project's simulator: real packets (signed
 * adverts, floods with relay paths, direct routes, TRACE) decoded as ingest
 * would, inferred edges compared to the simulator's true links.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RxPacket } from "../../daemon/core/types.ts";
import { advertFromRaw } from "../../daemon/mesh/adapter.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import type { MeshObservation } from "../../daemon/mesh/types.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { MeshSimulator } from "../../daemon/sim/index.ts";
import { pairKey } from "../support/mesh/topology.ts";

function toObservation(rx: RxPacket, radioKey: string, seen: Set<string>): MeshObservation | null {
  const d = decodePacket(rx.raw, { channels: [], verifySignatures: false });
  if (!d.ok) return null;
  const p = d.packet;
  const hops: string[] = [];
  for (let i = 0; i < p.hopCount; i++) {
    hops.push(Buffer.from(p.path.subarray(i * p.hashSize, (i + 1) * p.hashSize)).toString("hex"));
  }
  const firstSeen = !seen.has(p.hash);
  seen.add(p.hash);
  const advert = p.payloadType === 4 ? advertFromRaw(rx.raw, { verifyAdverts: true }) : undefined;
  return {
    hash: p.hash,
    at: rx.at,
    radioId: rx.radioId,
    radioKey,
    payloadType: p.payloadType,
    route: p.route,
    hashSize: p.hashSize,
    hops,
    snr: rx.snr,
    rssi: rx.rssi,
    rawLength: rx.raw.length,
    firstSeen,
    ...(advert ? { advert } : {}),
  };
}

describe("edge inference on the simulator's meshes", () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: precision >= 0.95 for edges with >= 3 sightings`, () => {
      const t0 = Date.UTC(2026, 4, 1);
      let clock = t0;
      const sim = new MeshSimulator({
        seed,
        nodes: 80,
        centre: { lat: 37.6, lon: -122.3 },
        radiusKm: 30,
        packetsPerSec: 2,
        channels: [],
        clock: () => clock,
      });
      const model = new MeshModel({ config: {}, log: silentLogger(), now: () => clock });
      const seen = new Set<string>();
      let fed = 0;
      for (const rx of sim.burst(6000)) {
        clock = Math.max(clock, rx.at);
        const o = toObservation(rx, sim.gateway.publicKey, seen);
        if (o) {
          model.observe(o);
          fed++;
        }
      }
      const truth = new Set(sim.truth().links.map((l) => pairKey(l.a, l.b)));
      const edges = model.graph({ resolvedOnly: true, minSightings: 3 }).edges;
      const correct = edges.filter((e) => truth.has(pairKey(e.a, e.b))).length;
      const precision = edges.length ? correct / edges.length : 0;
      const allFound = new Set(
        model
          .graph({ resolvedOnly: true })
          .edges.map((e) => pairKey(e.a, e.b))
          .filter((k) => truth.has(k)),
      );
      const st = model.stats();
      const c = st.counters;
      console.log(
        `[mesh sim] seed=${seed} observations=${fed} inferred=${edges.length} correct=${correct} ` +
          `precision=${precision.toFixed(3)} trueLinksFound=${allFound.size}/${truth.size} ` +
          `evidence edges ${JSON.stringify(st.resolution)} trace=${c.trace}`,
      );
      expect(fed).toBeGreaterThan(5000);
      expect(edges.length).toBeGreaterThan(20);
      expect(precision).toBeGreaterThanOrEqual(0.95);
    });
  }
});
