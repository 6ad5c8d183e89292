/**
 * A history read that walks several archive partitions frees each one it
 * leaves before loading the next: the file read and sql.js's copy of it are
 * garbage V8 counts only as external memory, and without a collection they
 * piled up (a UI visitor at 1,000,000 observations took the daemon's
 * high-water to 194-201 MB, bench/soak.ts --ui). The young-generation
 * collection is counted here.
 */
import { describe, expect, it, vi } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { PAGE_PARTITION_BUDGET } from "../../daemon/store/history.ts";
import { DAY_MS } from "../../daemon/store/partition.ts";
import { engineOptions, storeDir, synthObs } from "../support/store.ts";

const young = vi.hoisted(() => ({ calls: 0 }));
vi.mock("../../daemon/core/gc.ts", async (original) => ({
  ...(await original<typeof import("../../daemon/core/gc.ts")>()),
  youngCollector: () => () => {
    young.calls++;
  },
}));

const DAY0 = Date.UTC(2026, 10, 1);
const N = 3000;

describe("archive reads and memory", () => {
  it("collects the partition a page leaves before opening the next", async () => {
    const clock = { now: DAY0 + 3 * DAY_MS };
    const e = await StoreEngine.open(
      engineOptions(storeDir("arc-mem"), {
        hotMB: 0.25,
        partitionMB: 0.08,
        archiveChunkRows: 200,
        now: () => clock.now,
      }),
    );
    for (let i = 1; i <= N; i += 100) {
      const batch = [];
      for (let k = i; k < i + 100; k++)
        batch.push(synthObs(k, { at: DAY0 + Math.floor((k * 3 * DAY_MS) / N) }));
      e.ingest(batch);
      await e.drainArchive();
    }
    const partitions = e.health().archive?.partitions ?? 0;
    expect(partitions).toBeGreaterThan(3);
    young.calls = 0;
    // No channel messages were stored, so a page walks its whole budget of partitions.
    expect(e.history.channelMessages(null, 100)).toEqual([]);
    const opened = Math.min(partitions, PAGE_PARTITION_BUDGET * 4);
    expect(young.calls).toBe(opened - 1);
    // The next page starts from the newest partition again: the oldest one,
    // still open from the last page, is left first.
    young.calls = 0;
    e.history.channelMessages(null, 100);
    expect(young.calls).toBe(opened);
    e.abandon();
  });
});
