/** Simulated-mesh settings the simulator tests and benches start from. */
import type { MeshSimulatorOptions } from "../../../daemon/sim/simulator.ts";

/** The fixed clock the simulator tests run on (a moment in late 2025), so their traffic is the same every run. */
export const SIM_T0 = 1_760_000_000_000;

/** 40 nodes within 15 km of San Francisco at 1.5 packets/s with #test; `more` overrides any. */
export function simMesh(
  more: Partial<MeshSimulatorOptions> & Pick<MeshSimulatorOptions, "seed">,
): MeshSimulatorOptions {
  return {
    nodes: 40,
    centre: { lat: 37.7749, lon: -122.4194 },
    radiusKm: 15,
    packetsPerSec: 1.5,
    channels: [{ name: "#test" }],
    ...more,
  };
}
