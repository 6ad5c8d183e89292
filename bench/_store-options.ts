/**
 * Store settings the benches share: a group commit a second (the daemon's
 * default), snapshots at half the DB size, no retention in the way. Not a
 * bench itself (run.ts skips `_` files).
 */
import { silentLogger } from "../daemon/core/log.ts";
import type { StoreOptions } from "../daemon/store/store.ts";

export function benchStoreOptions(dataDir: string, more: Partial<StoreOptions> = {}): StoreOptions {
  return {
    dataDir,
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 0.5,
    maxDbMB: 256,
    maxAgeDays: 3650,
    log: silentLogger(),
    ...more,
  };
}
