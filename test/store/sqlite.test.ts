import { describe, expect, it } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import {
  type Database,
  loadSqlJs,
  PAGE_CACHE_KIB,
  withSmallCache,
} from "../../daemon/store/sqlite.ts";
import { engineOptions } from "../support/store.ts";

const cacheSize = (db: Database) => db.exec("PRAGMA cache_size")[0]?.values[0]?.[0];

describe("sql.js page cache", () => {
  it("is SQLite's default until withSmallCache shrinks it", async () => {
    const SQL = await loadSqlJs();
    const plain = new SQL.Database();
    expect(cacheSize(plain)).toBe(-2000);
    expect(cacheSize(withSmallCache(plain))).toBe(-PAGE_CACHE_KIB);
    plain.close();
  });

  it("is small in the store's hot database", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true }));
    try {
      const db = (e as unknown as { db: Database }).db;
      expect(cacheSize(db)).toBe(-PAGE_CACHE_KIB);
    } finally {
      await e.close();
    }
  });
});
