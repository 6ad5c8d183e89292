/**
 * Simulator throughput in burst mode (receptions generated per second of
 * CPU), for a few mesh sizes. Run: node --import tsx bench/sim.ts
 */
import { MeshSimulator } from "../daemon/sim/simulator.ts";

/** Bigger meshes cover more ground, as real ones do. */
const CASES = [
  { nodes: 40, radiusKm: 15, n: 5000 },
  { nodes: 200, radiusKm: 30, n: 5000 },
  { nodes: 1000, radiusKm: 60, n: 2000 },
];

const rows: string[] = [];
for (const c of CASES) {
  const t0 = performance.now();
  const sim = new MeshSimulator({
    seed: 1,
    nodes: c.nodes,
    centre: { lat: 37.7749, lon: -122.4194 },
    radiusKm: c.radiusKm,
    packetsPerSec: 1.5,
    channels: [{ name: "#test" }],
    clock: () => 1_760_000_000_000,
  });
  const built = performance.now() - t0;
  sim.burst(200); // warm up (JIT, the start-up advert round is mostly signing)
  const t1 = performance.now();
  const rx = sim.burst(c.n);
  const secs = (performance.now() - t1) / 1000;
  const bytes = rx.reduce((s, r) => s + r.raw.length, 0);
  rows.push(
    `| ${c.nodes} | ${c.radiusKm} | ${sim.truth().links.length} | ${built.toFixed(0)} | ${c.n} | ${Math.round(c.n / secs)} | ${(bytes / c.n).toFixed(0)} |`,
  );
}

console.log(`Simulator burst generation (Node ${process.version}, ${process.arch})\n`);
console.log("| nodes | radius km | links | build ms | packets | packets/s | mean bytes |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
