/** The mesh tables on a real store engine (sql.js in memory, schema migrations applied). */
import { silentLogger } from "../../../daemon/core/log.ts";
import type { MeshTablesPort } from "../../../daemon/mesh/persist.ts";
import { StoreEngine } from "../../../daemon/store/engine.ts";
import { meshRead } from "../../../daemon/store/mesh-rows.ts";

export interface TablesStore {
  readonly engine: StoreEngine;
  readonly port: MeshTablesPort;
  /** Batches written and their largest size (rows). */
  readonly writes: { batches: number; maxRows: number };
}

export async function memoryTables(dataDir = "", memory = true): Promise<TablesStore> {
  const engine = await StoreEngine.open({
    dataDir,
    memory,
    fsyncIntervalMs: 50,
    snapshotJournalRatio: 0.5,
    maxDbMB: 64,
    maxAgeDays: 3650,
    log: silentLogger(),
  });
  const writes = { batches: 0, maxRows: 0 };
  const port: MeshTablesPort = {
    meshRead: async (t, after, limit) => meshRead(engine.database, t, after, limit),
    meshWrite: async (b) => {
      let rows = 0;
      for (const part of [b.upsert, b.delete])
        for (const list of Object.values(part ?? {})) rows += list?.length ?? 0;
      writes.batches++;
      writes.maxRows = Math.max(writes.maxRows, rows);
      engine.meshWrite(b);
    },
    getMeta: async (k) => engine.getMeta(k),
  };
  return { engine, port, writes };
}
