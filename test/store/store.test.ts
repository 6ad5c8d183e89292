import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore } from "../../daemon/store/store.ts";
import {
  hasSqlite3,
  shippedMigrations,
  sqlite3,
  storeDir,
  storeOptions,
  synthObs,
} from "../support/store.ts";

const latest = shippedMigrations().at(-1)!.version;

describe("createStore (worker)", () => {
  it("serves the StoreApi from its worker and persists across a clean restart", async () => {
    const dir = storeDir("store");
    const store = createStore(storeOptions(dir));
    await store.start();
    const res = await store.ingest([synthObs(1), synthObs(2), synthObs(1, { radioId: "r2" })]);
    expect(res.rows.map((r) => r.firstSeen)).toEqual([true, true, false]);
    // health() is cached, but a write's own effect is visible once it resolves.
    expect(store.health().observations).toBe(3);
    await store.setMeta("mesh.edges", "[1,2]");
    await store.outboxEnqueue([{ broker: "m", topic: "a/b", payload: "{}", qos: 1, retain: true }]);
    // A rebuild's page as columns: bytes only for the types asked for (all three are group texts).
    const cols = await store.scanObservationColumns(0, 10, [5]);
    expect([...cols.id]).toEqual([1, 2, 3]);
    expect([...cols.rawLength]).toEqual([1, 2, 1].map((tx) => synthObs(tx).raw.length));
    expect(cols.rawAt[3]).toBe(cols.raw.length);
    expect(cols.raw.subarray(0, cols.rawAt[1])).toEqual(synthObs(1).raw);
    expect((await store.scanObservationColumns(0, 10, [4])).raw.length).toBe(0);
    expect(cols.path).toEqual(["a1,b2", "a1,b2", "a1,b2"]);
    const page = await store.listPackets({ limit: 2 });
    expect(page.map((p) => p.id)).toEqual([3, 2]);
    expect(page[0]?.raw).toBeInstanceOf(Uint8Array);
    expect(store.health()).toMatchObject({
      observations: 3,
      transmissions: 2,
      schemaVersion: latest,
    });
    await store.stop();
    // A clean stop leaves a snapshot that covers everything.
    expect(readdirSync(dir).some((f) => f.startsWith("snapshot-"))).toBe(true);

    const again = createStore(storeOptions(dir));
    await again.start();
    expect(again.health().observations).toBe(3);
    expect(await again.getMeta("mesh.edges")).toBe("[1,2]");
    const [msg] = await again.outboxPeek("m", 10);
    expect(msg).toMatchObject({ topic: "a/b", qos: 1, retain: true });
    await again.outboxAck([msg!.id]);
    expect(await again.outboxStats()).toEqual({ depth: {}, dropped: 0 });
    await again.stop();
    await expect(again.listNodes()).rejects.toMatchObject({ code: "E_STORE_CLOSED" });
  });

  it("memory mode writes no files", async () => {
    const dir = storeDir("mem");
    const store = createStore({ ...storeOptions(join(dir, "never")), memory: true });
    await store.start();
    await store.ingest([synthObs(5)]);
    expect(await store.getTransmission(synthObs(5).hash)).toHaveLength(1);
    await store.stop();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails to start with a clear error when its migrations are missing", async () => {
    const store = createStore({
      ...storeOptions(""),
      memory: true,
      schemaDir: join(tmpdir(), "no-such-schema-dir"),
    });
    await expect(store.start()).rejects.toMatchObject({ code: "E_STORE_OPEN" });
  });

  it.skipIf(!hasSqlite3)(
    "backup() and the snapshot are SQLite files the sqlite3 CLI opens",
    async () => {
      const dir = storeDir("bak");
      const store = createStore(storeOptions(dir));
      await store.start();
      const batch = [];
      for (let i = 0; i < 500; i++) batch.push(synthObs(i));
      await store.ingest(batch);
      const file = join(dir, "backup.sqlite");
      await store.backup(file);
      expect(sqlite3(file, "PRAGMA integrity_check")).toBe("ok");
      expect(sqlite3(file, "SELECT count(*) FROM observations")).toBe("500");
      expect(
        sqlite3(file, `SELECT summary FROM transmissions WHERE hash = '${synthObs(42).hash}'`),
      ).toBe("#test: message 42");
      await store.stop();
      const snap = readdirSync(dir).find((f) => f.startsWith("snapshot-"))!;
      expect(sqlite3(join(dir, snap), "SELECT count(*) FROM transmissions")).toBe("500");
    },
  );
});
