import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { runTaskSlice } from "../../daemon/store/maintenance.ts";
import { migrate, schemaVersion } from "../../daemon/store/migrate.ts";
import { listPackets } from "../../daemon/store/queries.ts";
import { snapshotName } from "../../daemon/store/snapshots.ts";
import { loadSqlJs } from "../../daemon/store/sqlite.ts";
import { shippedMigrations } from "../support/store.ts";

const migrations = shippedMigrations();
const latest = migrations.at(-1)!.version;

/** Rows a version-1 DB can hold, written with that version's columns. */
function seedV1(db: import("sql.js").Database, n: number): void {
  db.run("INSERT INTO radios (id, name, first_seen, last_seen) VALUES (1, 'r1', 0, 0)");
  for (let i = 1; i <= n; i++) {
    db.run(
      "INSERT INTO transmissions (id, hash, raw, first_at, last_obs_id, payload_type, route, version, hash_size, summary) VALUES (?,?,?,?,?,5,1,0,1,'s')",
      [i, i.toString(16).padStart(16, "0"), new Uint8Array([1, 2, 3]), 1000 + i, i],
    );
    // paths with 0, 1, 2 and 3 hops
    const path = ["", "a1", "a1,b2", "a1,b2,c3"][i % 4]!;
    db.run(
      "INSERT INTO observations (id, tx_id, radio_id, at, snr, rssi, path, first_seen, payload_type, route) VALUES (?,?,1,?,1,-90,?,1,5,1)",
      [i, i, 1000 + i, path],
    );
  }
}

/** A version-1 DB with `n` rows (then `alter`, if given) migrated to the latest version. */
async function migratedFromV1(n: number, alter?: string) {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, migrations, 1);
  seedV1(db, n);
  if (alter) db.run(alter);
  migrate(db, migrations);
  return { SQL, db };
}

function nullHops(db: import("sql.js").Database): number {
  return Number(db.exec("SELECT count(*) FROM observations WHERE hops IS NULL")[0]?.values[0]?.[0]);
}

describe("migrations", () => {
  it("files are numbered without gaps and the latest is known", () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latest).toBeGreaterThanOrEqual(2);
  });

  it("migrates from every earlier version to the latest", async () => {
    const SQL = await loadSqlJs();
    for (let from = 0; from < latest; from++) {
      const db = new SQL.Database();
      migrate(db, migrations, from);
      expect(schemaVersion(db)).toBe(from);
      if (from >= 1) seedV1(db, 50);
      const applied = migrate(db, migrations);
      expect(applied).toEqual(migrations.filter((m) => m.version > from).map((m) => m.version));
      expect(schemaVersion(db)).toBe(latest);
      // Running again is a no-op.
      expect(migrate(db, migrations)).toEqual([]);
      db.close();
    }
  });

  it("version 6 -> 7 moves the mesh rows of known nodes into their nodes rows", async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(db, migrations, 6);
    const known = "AB".repeat(32);
    const unknown = "CD".repeat(32);
    db.run(
      "INSERT INTO nodes (public_key, name, role, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, 'n', 1, 0, 0, 0, 0, 1)",
      [known],
    );
    for (const [kind, id, data] of [
      [1, known, "[1]"],
      [1, unknown, "[2]"],
      [2, known, "{}"],
    ] as const)
      db.run("INSERT INTO node_stats (kind, id, data) VALUES (?, ?, ?)", [kind, id, data]);
    migrate(db, migrations, 7);
    expect(db.exec("SELECT public_key, mesh FROM nodes")[0]?.values).toEqual([[known, "[1]"]]);
    expect(db.exec("SELECT kind, id, data FROM node_stats ORDER BY kind, id")[0]?.values).toEqual([
      [1, unknown, "[2]"],
      [2, known, "{}"],
    ]);
    db.close();
  });

  it("version 1 -> 2 backfills hop counts as a resumable sliced task", async () => {
    const { SQL, db } = await migratedFromV1(1000);
    expect(nullHops(db)).toBe(1000);
    const progress: number[] = [];
    for (;;) {
      const t = runTaskSlice(db, silentLogger(), 300);
      if (!t) break;
      progress.push(t.watermark);
      // "Restart" between slices: export and reload, the watermark carries on.
      if (progress.length === 2) {
        const bytes = db.export();
        const again = new SQL.Database(bytes);
        expect(
          again.exec("SELECT watermark, done FROM tasks WHERE name = 'backfill_hops'")[0]
            ?.values[0],
        ).toEqual([600, 0]);
        again.close();
      }
    }
    expect(progress).toEqual([300, 600, 900, 1000]);
    expect(nullHops(db)).toBe(0);
    const byHops = db.exec("SELECT hops, count(*) FROM observations GROUP BY hops ORDER BY hops")[0]
      ?.values;
    expect(byHops).toEqual([
      [0, 250],
      [1, 250],
      [2, 250],
      [3, 250],
    ]);
    db.close();
  });

  it("the backfill steps over id ranges with no hot rows instead of walking them", async () => {
    // Ids 501-1000 become 4,000,501-4,001,000: the gap is what archiving leaves.
    const { db } = await migratedFromV1(
      1000,
      "UPDATE observations SET id = id + 4000000 WHERE id > 500",
    );
    const progress: number[] = [];
    for (
      let t = runTaskSlice(db, silentLogger(), 300);
      t;
      t = runTaskSlice(db, silentLogger(), 300)
    )
      progress.push(t.watermark);
    expect(progress).toEqual([300, 600, 4_000_800, 4_001_000]);
    expect(nullHops(db)).toBe(0);
    db.close();
  });

  it("an old snapshot opens through the store: migrated, backfilled, queryable", async () => {
    const SQL = await loadSqlJs();
    const dir = mkdtempSync(join(tmpdir(), "mg-mig-"));
    const db = new SQL.Database();
    migrate(db, migrations, 1);
    seedV1(db, 20);
    writeFileSync(join(dir, snapshotName(0)), db.export());
    db.close();
    const e = await StoreEngine.open({
      dataDir: dir,
      fsyncIntervalMs: 50,
      snapshotJournalRatio: 0.5,
      maxDbMB: 64,
      maxAgeDays: 1e6,
      log: silentLogger(),
    });
    expect(e.health().schemaVersion).toBe(latest);
    e.maintain();
    expect(listPackets(e.database, { limit: 100 })).toHaveLength(20);
    expect(
      e.database.exec("SELECT count(*) FROM observations WHERE hops IS NULL")[0]?.values[0]?.[0],
    ).toBe(0);
    await e.close();
  });

  it("refuses a DB newer than this binary with a clear message, leaving the file untouched", async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(db, migrations);
    db.exec(`PRAGMA user_version = ${latest + 1}`);
    expect(() => migrate(db, migrations)).toThrow(/newer than this meshgate knows/);
    const dir = mkdtempSync(join(tmpdir(), "mg-new-"));
    const file = join(dir, snapshotName(5));
    const bytes = db.export();
    writeFileSync(file, bytes);
    db.close();
    const opening = StoreEngine.open({
      dataDir: dir,
      fsyncIntervalMs: 50,
      snapshotJournalRatio: 0.5,
      maxDbMB: 64,
      maxAgeDays: 30,
      log: silentLogger(),
    });
    await expect(opening).rejects.toMatchObject({ code: "E_STORE_SCHEMA" });
    expect(readFileSync(file).equals(Buffer.from(bytes))).toBe(true);
  });
});
