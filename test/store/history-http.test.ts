/**
 * History past the hot window through the HTTP API: a real store (worker,
 * files) with a tiny hot budget, so most pages come from archive partitions;
 * /api/packets cursors walk all of it, and /api/health and /metrics show the
 * hot DB, the archive and the worker's memory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PacketItem } from "../../daemon/core/types.ts";
import { createStore } from "../../daemon/store/store.ts";
import { startServer, type TestServer } from "../support/http/server.ts";
import { storeDir, storeOptions, synthObs } from "../support/store.ts";

const N = 4000;
const T0 = Date.UTC(2026, 10, 1);

describe("history through the HTTP API", () => {
  const store = createStore(
    storeOptions(storeDir("hist"), { hotMB: 0.25, partitionMB: 0.1, archiveChunkRows: 300 }),
  );
  let t: TestServer;
  beforeAll(async () => {
    await store.start();
    for (let i = 1; i <= N; i += 200) {
      const batch = [];
      for (let k = i; k < i + 200; k++)
        batch.push(synthObs(k, { at: T0 + k * 60_000, radioId: k % 2 ? "r1" : "r2" }));
      await store.ingest(batch);
    }
    // Maintenance archives in the background, a chunk per tick; wait (bounded)
    // until the partitions exist and the hot DB is back within its budget.
    const settled = () => {
      const h = store.health();
      return (h.archive?.partitions ?? 0) >= 8 && (h.hotBytes ?? Infinity) < 0.25 * 1024 * 1024;
    };
    for (let i = 0; i < 600 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
    t = await startServer("node", { store });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await store.stop();
  });

  it("pages /api/packets across partitions with nextCursor, each observation once", async () => {
    const walk = async (q: string) => {
      const ids: number[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 500; guard++) {
        const res = await fetch(
          `${t.base}/api/packets?limit=250${q}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: PacketItem[]; nextCursor: string | null };
        ids.push(...body.items.map((p) => p.id));
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      return ids;
    };
    const ids = await walk("");
    expect(ids).toEqual(Array.from({ length: N }, (_, k) => N - k));
    const r2 = await walk("&radio=r2");
    expect(r2).toEqual(Array.from({ length: N / 2 }, (_, k) => N - 2 * k));
    // An archived packet's detail.
    const res = await fetch(`${t.base}/api/packets/${synthObs(3).hash}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { observationCount: number }).observationCount).toBe(1);
  });

  it("reports hot DB, archive and worker memory in /api/health and /metrics", async () => {
    const h = (await (await fetch(`${t.base}/api/health`)).json()) as {
      store: {
        hotBytes: number;
        archive: { bytes: number; partitions: number; migrating: boolean };
        memory: { wasmBytes: number; workerHeapBytes: number };
      };
    };
    expect(h.store.hotBytes).toBeGreaterThan(0);
    expect(h.store.hotBytes).toBeLessThan(0.25 * 1024 * 1024);
    expect(h.store.archive.partitions).toBeGreaterThanOrEqual(8);
    expect(h.store.archive.bytes).toBeGreaterThan(h.store.archive.partitions * 1000);
    expect(h.store.archive.migrating).toBe(false);
    expect(h.store.memory.wasmBytes).toBeGreaterThan(1024 * 1024);
    expect(h.store.memory.workerHeapBytes).toBeGreaterThan(0);
    const m = await (await fetch(`${t.base}/metrics`)).text();
    expect(m).toMatch(/^meshgate_store_hot_bytes [1-9]\d*$/m);
    expect(m).toMatch(/^meshgate_store_archive_bytes [1-9]\d*$/m);
    expect(m).toContain(`meshgate_store_archive_partitions ${h.store.archive.partitions}`);
    expect(m).toMatch(/^meshgate_store_worker_memory_bytes\{kind="wasm"\} [1-9]\d*$/m);
  });
});
