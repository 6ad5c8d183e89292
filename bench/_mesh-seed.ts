/**
 * A saved mesh model in a seeded data directory: `nodes` nodes (the keys of
 * the seeded history's nodes, bench/_history-seed.ts) and about `edges`
 * evidence edges (test/support/mesh/big.ts: 3-byte paths between random
 * pairs of them), heard over the last hour by the simulator's radio, written
 * into the store's mesh tables as the daemon's first full save writes them.
 * A daemon started on the directory restores the model from them. (The
 * daemon's rebuild replays only the hot window, so a seeded history alone
 * leaves the model with the few thousand edges of its last hours.)
 */
import { performance } from "node:perf_hooks";
import { Dirty, type MeshTablesPort, saveChanges } from "../daemon/mesh/persist.ts";
import { bigState } from "../test/support/mesh/big.ts";
import { nodeKey, openSeedEngine, type SeedShape } from "./_history-seed.ts";

/** The simulator's radio id: rx edges join the radio the daemon runs. */
const SIM_RADIO = "sim";

export async function seedMesh(
  dataDir: string,
  shape: SeedShape,
  edges: number,
): Promise<{ ms: number; rows: number; edges: number }> {
  const t0 = performance.now();
  const state = bigState(shape.nodes, edges, 1, {
    keyOf: nodeKey,
    t0: Date.now() - 3_600_000,
    radioId: SIM_RADIO,
  });
  const e = await openSeedEngine(dataDir, shape);
  try {
    const port: MeshTablesPort = {
      meshWrite: async (b) => e.meshWrite(b),
      meshRead: async () => [],
      getMeta: async (k) => e.getMeta(k),
    };
    const all = new Dirty();
    all.all = true;
    const rows = await saveChanges(port, state, all, Date.now());
    e.flushJournal();
    return { ms: performance.now() - t0, rows, edges: state.graph.size };
  } finally {
    await e.close();
  }
}
