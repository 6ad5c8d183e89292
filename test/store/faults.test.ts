import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { listPackets } from "../../daemon/store/queries.ts";
import { createStore } from "../../daemon/store/store.ts";
import { engineOptions, obsRange, storeDir, storeOptions } from "../support/store.ts";
import { until } from "../support/wait.ts";
import { makeFaultyFs } from "./faulty-fs.ts";

/**
 * A store worker whose file system fails as the fault file says (ENOSPC,
 * EROFS, or CRASH to kill the worker mid-write; no file: no fault), run
 * through `body`, then stopped and the fault cleared.
 */
async function withFaultyWorker(
  name: string,
  body: (store: ReturnType<typeof createStore>, faultFile: string) => Promise<void>,
): Promise<void> {
  const dir = storeDir(name);
  const faultFile = join(dir, "..", `${dir.split("/").pop()}.fault`);
  process.env.MG_FAULT_FILE = faultFile;
  const store = createStore(
    storeOptions(dir, {
      fsModule: pathToFileURL(join(import.meta.dirname, "faulty-fs.ts")).href,
    }),
  );
  await store.start();
  try {
    await body(store, faultFile);
  } finally {
    if (existsSync(faultFile)) rmSync(faultFile);
    await store.stop();
    delete process.env.MG_FAULT_FILE;
  }
}

describe.each(["ENOSPC", "EROFS"])("store under %s", (code) => {
  it("keeps serving from memory, keeps the old snapshot, reports, and recovers when the disk is back", async () => {
    const dir = storeDir("fault");
    let fault: string | null = null;
    let now = 1_800_000_000_000;
    const fs = makeFaultyFs(() => fault);
    const o = engineOptions(dir, { fs, now: () => now });
    const e = await StoreEngine.open(o);
    e.ingest(obsRange(0, 100));
    await e.snapshot();
    const snapName = readdirSync(dir).find((f) => f.startsWith("snapshot-"))!;
    const snapBytes = readFileSync(join(dir, snapName));

    fault = code;
    e.ingest(obsRange(100, 150));
    expect(e.flushJournal()).toBe(false);
    e.ingest(obsRange(150, 200)); // still accepted while the disk is down
    await expect(e.snapshot()).rejects.toMatchObject({ code: "E_STORE_IO" });
    const h = e.health();
    expect(h.ok).toBe(false);
    expect(h.error).toContain(code);
    expect(h.counters.journal_errors).toBeGreaterThanOrEqual(1);
    expect(h.counters.snapshot_errors).toBe(1);
    expect(fs.faults).toBeGreaterThan(0);
    expect(listPackets(e.database, { limit: 1000 })).toHaveLength(200);
    // The previous snapshot is untouched and no temp file is left behind.
    expect(readFileSync(join(dir, snapName)).equals(snapBytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    fault = null;
    now += 120_000; // past the retry backoff
    expect(e.flushJournal()).toBe(true);
    await e.snapshot();
    expect(e.health().error).toBeNull();
    e.ingest(obsRange(200, 210));
    e.flushJournal();
    e.abandon(); // power cut

    const again = await StoreEngine.open({ ...o, fs: undefined });
    expect(again.health().observations).toBe(210);
    expect(listPackets(again.database, { limit: 1000 })).toHaveLength(210);
    await again.close();
  });

  it("a power cut while the disk is still full loses only what never reached it", async () => {
    const dir = storeDir("fault2");
    let fault: string | null = null;
    const o = engineOptions(dir, { fs: makeFaultyFs(() => fault) });
    const e = await StoreEngine.open(o);
    e.ingest(obsRange(0, 100));
    e.flushJournal();
    fault = code;
    e.ingest(obsRange(100, 150));
    e.flushJournal(); // torn half-write, then errors
    e.abandon();
    const again = await StoreEngine.open({ ...o, fs: undefined });
    // The torn tail is dropped: exactly the durable 100 come back.
    expect(again.health().observations).toBe(100);
    await again.close();
  });
});

describe("store worker with an injected fault", () => {
  it("shows the error in health() and recovers, across the worker boundary", () =>
    withFaultyWorker("wfault", async (store, faultFile) => {
      await store.ingest(obsRange(0, 10));
      writeFileSync(faultFile, "ENOSPC");
      await store.ingest(obsRange(10, 20));
      await until(
        () => store.health().error?.includes("ENOSPC") === true,
        10_000,
        "ENOSPC in health",
      );
      expect((await store.listPackets({ limit: 100 })).length).toBe(20);
      rmSync(faultFile);
      // The journal retries with backoff on its own; no new writes needed.
      await until(() => store.health().error === null, 10_000, "recovery");
      expect((await store.listPackets({ limit: 100 })).length).toBe(20);
    }));

  it(
    "a worker that dies is started again and reloads what was committed",
    () =>
      withFaultyWorker("wcrash", async (store, faultFile) => {
        await store.ingest(obsRange(0, 30));
        await until(() => store.health().journalBytes > 0, 10_000, "first group commit");
        await new Promise((r) => setTimeout(r, 200)); // past the fsync interval: durable
        writeFileSync(faultFile, "CRASH");
        await store.ingest(obsRange(30, 40)); // its group commit kills the worker
        await until(
          () => store.health().error?.includes("restarting") === true,
          10_000,
          "worker death",
        );
        await expect(store.listPackets({ limit: 10 })).rejects.toThrow(/not running/);
        rmSync(faultFile);
        await until(() => store.health().ok, 10_000, "restart");
        expect(store.health().counters.worker_restarts).toBe(1);
        // The 30 committed observations came back from the journal; the 10
        // whose commit the crash interrupted were never acknowledged as durable.
        const back = await store.listPackets({ limit: 100 });
        expect(back.length).toBe(30);
        await store.ingest(obsRange(40, 45));
        expect((await store.listPackets({ limit: 100 })).length).toBe(35);
      }),
    30_000,
  );
});
