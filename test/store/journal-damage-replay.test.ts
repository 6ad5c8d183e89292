/**
 * A flipped byte in the middle of a journal, end to end: replay keeps every
 * frame but the damaged group, and the damage shows in health (engine, then
 * /api/health and /metrics over the real store worker), apart from a torn tail.
 */
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type EngineOptions, StoreEngine } from "../../daemon/store/engine.ts";
import { createStore } from "../../daemon/store/store.ts";
import { startServer } from "../support/http/server.ts";
import { engineOptions, storeDir, synthObs } from "../support/store.ts";

const BATCH = 10;
const TOTAL = 4000;

function opts(dir: string): EngineOptions {
  return engineOptions(dir, {
    snapshotJournalRatio: 10,
    // No snapshot: the whole history stays in the journal.
    snapshotMinJournalBytes: 1e9,
    hotMaxHours: undefined,
  });
}

/** A data dir whose one journal holds TOTAL observations, one frame per batch of BATCH. */
async function journalDir(): Promise<{ dir: string; file: string }> {
  const dir = storeDir("damage");
  const e = await StoreEngine.open(opts(dir));
  for (let n = 0; n < TOTAL; n += BATCH) {
    e.ingest(Array.from({ length: BATCH }, (_, i) => synthObs(n + i)));
    e.flushJournal();
  }
  e.abandon();
  const journals = readdirSync(dir).filter((f) => f.startsWith("journal-"));
  expect(journals).toHaveLength(1);
  return { dir, file: journals[0]! };
}

function present(e: StoreEngine): number[] {
  const res = e.database.exec("SELECT hash FROM transmissions ORDER BY hash")[0];
  return (res?.values ?? []).map((r) => Number.parseInt(String(r[0]), 16));
}

describe("journal damage on replay", () => {
  it("one flipped byte mid-file loses only its group; health says damage, not torn", async () => {
    const { dir, file } = await journalDir();
    const path = join(dir, file);
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length / 2);
    bytes[at]! ^= 0x04;
    writeFileSync(path, bytes);

    const e = await StoreEngine.open(opts(dir));
    const got = present(e);
    const missing: number[] = [];
    for (let n = 0; n < TOTAL; n++) if (!got.includes(n)) missing.push(n);
    // One contiguous run of whole batches, ending at a group boundary: the
    // records after it (later groups) are back.
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length % BATCH).toBe(0);
    expect(missing.at(-1)! - missing[0]!).toBe(missing.length - 1);
    expect(got.at(-1)).toBe(TOTAL - 1);
    expect(missing.length).toBeLessThan(TOTAL / 3);

    const h = e.health();
    expect(h.journalDamage).toMatchObject({ regions: 1, frames: missing.length / BATCH, file });
    const d = h.journalDamage!;
    expect(d.offset).toBeLessThanOrEqual(at);
    expect(d.offset + d.bytes).toBeGreaterThan(at);
    expect(h.counters.journal_damage_frames).toBe(missing.length / BATCH);
    expect(h.counters.journal_torn ?? 0).toBe(0);
    expect(h.error).toMatch(/damaged/);
    expect(h.ok).toBe(false);
    e.abandon();
    // Reported to the operator: /api/health and /metrics over the real worker.
    const store = createStore(opts(dir));
    await store.start();
    const t = await startServer("node", { store });
    try {
      const health = (await (await fetch(`${t.base}/api/health`)).json()) as {
        status: string;
        store: { journalDamage: { frames: number; file: string } | null; journalTorn: number };
      };
      expect(health.status).toBe("degraded");
      expect(health.store.journalDamage).toMatchObject({ frames: missing.length / BATCH, file });
      expect(health.store.journalTorn).toBe(0);
      const metrics = await (await fetch(`${t.base}/metrics`)).text();
      expect(metrics).toContain(
        `meshgate_store_journal_damage_frames_total ${missing.length / BATCH}`,
      );
      expect(metrics).toContain("meshgate_store_journal_torn_total 0");
    } finally {
      await t.close();
      await store.stop();
    }
  }, 120_000);

  it("a torn tail is still reported as a torn tail, with no damage", async () => {
    const { dir, file } = await journalDir();
    const path = join(dir, file);
    truncateSync(path, statSync(path).size - 7);
    const e = await StoreEngine.open(opts(dir));
    const got = present(e);
    expect(got).toHaveLength(TOTAL - BATCH);
    expect(got.at(-1)).toBe(TOTAL - BATCH - 1);
    const h = e.health();
    expect(h.counters.journal_torn).toBe(1);
    expect(h.journalDamage).toBeNull();
    expect(h.counters.journal_damage_frames ?? 0).toBe(0);
    expect(h.error).toBeNull();
    e.abandon();
  }, 120_000);
});
