/**
 * Worker recycling: the store worker is replaced (old one snapshots and
 * exits, new one loads the snapshot) while ingest and queries keep coming.
 * Every call made meanwhile is answered by one worker or the other: nothing
 * rejected, nothing lost, nothing applied twice.
 */
import { describe, expect, it } from "vitest";
import type { ObservationInput } from "../../daemon/store/api.ts";
import { createStore } from "../../daemon/store/store.ts";
import { storeDir, storeOptions, synthObs } from "../support/store.ts";

const batch = (from: number, n: number): ObservationInput[] =>
  Array.from({ length: n }, (_, k) => synthObs(from + k));

describe("store worker recycling", () => {
  it("answers every call made while the worker is replaced, under load", async () => {
    const dir = storeDir("recycle");
    const store = createStore(storeOptions(dir));
    await store.start();
    try {
      const calls: Promise<unknown>[] = [];
      const ingests: Promise<{ rows: readonly { id: number }[] }>[] = [];
      let n = 1;
      for (let round = 0; round < 3; round++) {
        let recycled: Promise<void> | null = null;
        for (let i = 0; i < 15; i++) {
          ingests.push(store.ingest(batch(n, 20)));
          n += 20;
          calls.push(store.listPackets({ limit: 5 }));
          // The rest of the round's calls arrive while the worker is being replaced.
          if (i === 5) recycled = store.recycle(`test ${round}`);
        }
        await recycled;
      }
      const results = await Promise.all(ingests);
      await Promise.all(calls);
      const ids = results.flatMap((r) => r.rows.map((x) => x.id));
      expect(ids).toHaveLength(n - 1);
      expect(new Set(ids).size).toBe(n - 1);
      expect(store.health().counters.worker_recycles).toBe(3);
      expect(store.health().observations).toBe(n - 1);
      const page = await store.listPackets({ limit: 1000 });
      expect(page.map((p) => p.id)).toEqual([...ids].sort((a, b) => b - a));
    } finally {
      await store.stop();
    }
  }, 60_000);

  it("an upgraded large hot DB moves into partitions while serving, then the worker is recycled", async () => {
    const dir = storeDir("recycle");
    // An earlier version's layout: one large DB (no archive budget to speak of).
    const old = createStore(storeOptions(dir, { hotMB: 1024 }));
    await old.start();
    const total = 60_000;
    for (let n = 1; n <= total; n += 2000) await old.ingest(batch(n, 2000));
    const bigDb = old.health().dbBytes;
    await old.stop();
    expect(bigDb).toBeGreaterThan(12 * 1024 * 1024);

    const store = createStore(storeOptions(dir, { hotMB: 2, archiveChunkRows: 2000 }));
    await store.start();
    try {
      expect(store.health().archive?.migrating).toBe(true);
      const wasm0 = store.health().memory?.wasmBytes ?? 0;
      expect(wasm0).toBeGreaterThan(0);
      expect(store.health().memory?.workerHeapBytes).toBeGreaterThan(0);
      // Serving meanwhile: queries and ingest are answered during the move.
      let n = total + 1;
      for (let i = 0; i < 400 && !store.health().counters.worker_recycles; i++) {
        const page = await store.listPackets({ limit: 10 });
        expect(page.length).toBe(10);
        await store.ingest(batch(n, 5));
        n += 5;
        await new Promise((r) => setTimeout(r, 100));
        if (process.env.MG_RECYCLE_DEBUG && i % 10 === 0) {
          const d = store.health();
          console.log(i, d.dbBytes, d.hotBytes, d.memory, d.archive, d.counters);
        }
      }
      const h = store.health();
      expect(h.archive?.migrating).toBe(false);
      expect(h.counters.worker_recycles).toBeGreaterThanOrEqual(1);
      expect(h.dbBytes).toBeLessThan(4 * 1024 * 1024);
      // Every observation, old and new, is still there once.
      const ids = new Set<number>();
      const page = await store.packetPage({ limit: 1000 });
      for (const r of page.rows) ids.add(r.id);
      let before = page.nextBefore;
      while (before !== null) {
        const p = await store.packetPage({ limit: 1000, before });
        for (const r of p.rows) ids.add(r.id);
        before = p.nextBefore;
      }
      expect(ids.size).toBe(n - 1);
    } finally {
      await store.stop();
    }
  }, 240_000);
});
