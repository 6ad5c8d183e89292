/**
 * A start appends to the last journal file (cut to its good bytes) instead of
 * starting a new one, so restarts do not multiply files; the journal replayed
 * at start counts toward the snapshot threshold.
 */
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type EngineOptions, StoreEngine } from "../../daemon/store/engine.ts";
import { parseJournal } from "../../daemon/store/journal.ts";
import * as q from "../../daemon/store/queries.ts";
import { engineOptions, storeDir, synthObs } from "../support/store.ts";

function opts(dir: string, more: Partial<EngineOptions> = {}): EngineOptions {
  return engineOptions(dir, {
    snapshotJournalRatio: 10,
    snapshotMinJournalBytes: 1e9,
    hotMaxHours: undefined,
    ...more,
  });
}
const journals = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("journal-"));
const snapshots = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("snapshot-"));

async function run(dir: string, from: number, n: number, more: Partial<EngineOptions> = {}) {
  const e = await StoreEngine.open(opts(dir, more));
  e.start();
  for (let i = from; i < from + n; i += 10) {
    e.ingest(Array.from({ length: 10 }, (_, k) => synthObs(i + k)));
    e.flushJournal();
  }
  const journalBytes = e.health().journalBytes;
  e.abandon();
  return journalBytes;
}

describe("journal across restarts", () => {
  it("restarts after crashes append to one file, cutting a torn tail first", async () => {
    const dir = tmpDir();
    await run(dir, 0, 50);
    const [file] = journals(dir);
    appendFileSync(join(dir, file!), Buffer.from([7, 0, 0, 0, 1, 2])); // a torn frame
    await run(dir, 50, 50);
    await run(dir, 100, 50);
    expect(journals(dir)).toEqual([file]);
    const p = parseJournal(readFileSync(join(dir, file!)));
    expect(p).toMatchObject({ torn: false, damage: [] });
    expect(p.frames).toHaveLength(15);
    const e = await StoreEngine.open(opts(dir));
    expect(q.scalar(e.database, "SELECT count(*) FROM observations")).toBe(150);
    expect(e.health().counters.journal_torn ?? 0).toBe(0);
    e.abandon();
  });

  it("the journal replayed at start counts toward the snapshot threshold", async () => {
    const dir = tmpDir();
    const min = { snapshotMinJournalBytes: 12 * 1024, snapshotJournalRatio: 0.01 };
    const perRun = await run(dir, 0, 30, min);
    expect(perRun).toBeLessThan((12 * 1024) / 2); // one run alone never gets there
    let from = 30;
    for (let round = 0; round < 10 && snapshots(dir).length === 0; round++, from += 30) {
      await run(dir, from, 30, min);
    }
    expect(snapshots(dir)).toHaveLength(1);
    const e = await StoreEngine.open(opts(dir));
    expect(q.scalar(e.database, "SELECT count(*) FROM observations")).toBe(from);
    // After the snapshot the journal starts again: what is left is small.
    expect(e.health().journalBytes).toBeLessThan(12 * 1024);
    e.abandon();
  });
});

const tmpDir = () => storeDir("resume");
