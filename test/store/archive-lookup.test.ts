/**
 * The hash -> partition lookup (hash-index.ts): the filters never miss, a
 * packet's detail opens only the partition that holds it, a partition
 * without a filter is still found, and a repeat hearing of a transmission
 * that is already archived is not counted as a new transmission.
 */
import * as fs from "node:fs";
import { readdirSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type EngineOptions, StoreEngine } from "../../daemon/store/engine.ts";
import type { FsPort } from "../../daemon/store/fsport.ts";
import { buildFilter, mayContain } from "../../daemon/store/hash-index.ts";
import * as q from "../../daemon/store/queries.ts";
import { engineOptions, hashOf, storeDir, synthObs } from "../support/store.ts";

const T0 = Date.UTC(2026, 10, 1, 12);
const MIN = 60_000;

/** An fs port that counts whole-file reads of partition files. */
function countingFs(): { fs: FsPort; partitionReads: string[] } {
  const partitionReads: string[] = [];
  const readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (typeof path === "string" && /obs-.*\.sqlite$/.test(path))
      partitionReads.push(basename(path));
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { fs: { ...fs, readFileSync }, partitionReads };
}

function opts(dir: string, clock: { now: number }, more: Partial<EngineOptions>): EngineOptions {
  return engineOptions(dir, {
    snapshotJournalRatio: 1,
    hotMB: 0.25,
    partitionMB: 0.05,
    archiveChunkRows: 200,
    now: () => clock.now,
    ...more,
  });
}

/** Transmissions 1..n, one a minute from T0, each heard once; the hot DB keeps only the newest. */
async function archivedStore(dir: string, clock: { now: number }, n: number, fsp?: FsPort) {
  const e = await StoreEngine.open(opts(dir, clock, fsp ? { fs: fsp } : {}));
  for (let i = 1; i <= n; i += 100) {
    const batch = [];
    for (let k = i; k < Math.min(n + 1, i + 100); k++)
      batch.push(synthObs(k, { at: T0 + k * MIN }));
    clock.now = T0 + (i + 99) * MIN;
    e.ingest(batch);
    await e.drainArchive();
  }
  return e;
}

const tmp = () => storeDir("lookup");

describe("hash filters", () => {
  it("never miss a member and rarely claim a non-member", () => {
    const members = Array.from({ length: 5000 }, (_, i) => hashOf(i * 7 + 1));
    const f = buildFilter(members, members.length);
    for (const h of members) expect(mayContain(f, h)).toBe(true);
    let false_ = 0;
    for (let i = 0; i < 100_000; i++) if (mayContain(f, hashOf(1e9 + i))) false_++;
    // 16 bits and 8 probes per key: about 0.06% expected.
    expect(false_).toBeLessThan(200);
  });

  it("treats a damaged or foreign file as 'maybe', never as 'absent'", () => {
    expect(mayContain(new Uint8Array(0), hashOf(1))).toBe(true);
    expect(mayContain(new Uint8Array([1, 2, 3, 4, 0, 0]), hashOf(1))).toBe(true);
  });
});

describe("archived packet detail", () => {
  it("opens only the partition that holds the transmission", async () => {
    const dir = tmp();
    const clock = { now: T0 };
    const c = countingFs();
    const e = await archivedStore(dir, clock, 3000, c.fs);
    const parts = readdirSync(join(dir, "archive")).filter((f) => f.endsWith(".sqlite"));
    expect(parts.length).toBeGreaterThan(5);
    expect(readdirSync(join(dir, "archive")).filter((f) => f.endsWith(".hashes")).length).toBe(
      parts.length,
    );
    for (const tx of [5, 700, 1500]) {
      expect(q.getTransmission(e.database, hashOf(tx))).toEqual([]);
      c.partitionReads.length = 0;
      const rows = e.history.transmission(hashOf(tx));
      expect(rows.map((r) => [r.hash, r.firstSeen])).toEqual([[hashOf(tx), true]]);
      expect(c.partitionReads).toHaveLength(1);
    }
    // A hash that was never heard opens nothing.
    c.partitionReads.length = 0;
    expect(e.history.transmission(hashOf(987_654_321))).toEqual([]);
    expect(c.partitionReads.length).toBeLessThanOrEqual(1);
    await e.close();
  });

  it("still finds a transmission in a partition without a filter, and writes the filter then", async () => {
    const dir = tmp();
    const clock = { now: T0 };
    const e = await archivedStore(dir, clock, 3000);
    const arch = join(dir, "archive");
    const filters = readdirSync(arch).filter((f) => f.endsWith(".hashes"));
    await e.close();
    for (const f of filters) unlinkSync(join(arch, f));
    const e2 = await StoreEngine.open(opts(dir, clock, {}));
    const rows = e2.history.transmission(hashOf(5));
    expect(rows.map((r) => r.firstSeen)).toEqual([true]);
    await new Promise((r) => setTimeout(r, 100));
    const oldest = readdirSync(arch)
      .filter((f) => f.endsWith(".sqlite"))
      .sort()[0];
    expect(readdirSync(arch)).toContain(`${oldest}.hashes`);
    await e2.close();
  });
});

describe("a repeat hearing of an archived transmission", () => {
  it("is not a new transmission, keeps its hearing, and replays the same", async () => {
    const dir = tmp();
    const clock = { now: T0 };
    const e = await archivedStore(dir, clock, 3000);
    // The newest archived transmission: its hearing left the hot DB minutes ago.
    const hot = q.scalar(e.database, "SELECT min(id) FROM observations");
    const tx = Array.from({ length: 3000 }, (_, i) => 3000 - i).find(
      (k) => q.getTransmission(e.database, hashOf(k)).length === 0,
    );
    expect(tx).toBeDefined();
    expect(hot).toBeGreaterThan(0);
    const before = e.health();
    const at = T0 + (tx ?? 0) * MIN + 20_000;
    const r = e.ingest([synthObs(tx ?? 0, { at, radioId: "r2" })]);
    expect(r.rows.map((x) => x.firstSeen)).toEqual([false]);
    const after = e.health();
    expect(after.observations).toBe(before.observations + 1);
    expect(after.transmissions).toBe(before.transmissions);
    const first = q.scalar(e.database, "SELECT count(*) FROM observations WHERE first_seen = 1");
    const detail = e.history.transmission(hashOf(tx ?? 0));
    expect(detail.map((d) => [d.radioId, d.firstSeen])).toEqual([
      ["r1", true],
      ["r2", false],
    ]);
    await e.close();

    const e2 = await StoreEngine.open(opts(dir, clock, {}));
    expect(q.scalar(e2.database, "SELECT count(*) FROM observations WHERE first_seen = 1")).toBe(
      first,
    );
    expect(e2.history.transmission(hashOf(tx ?? 0)).map((d) => d.firstSeen)).toEqual([true, false]);
    await e2.close();
  });

  it("counts a hearing long after the archived one as a new transmission (the repeat window)", async () => {
    const dir = tmp();
    const clock = { now: T0 };
    const e = await archivedStore(dir, clock, 3000);
    const r = e.ingest([synthObs(5, { at: T0 + 3000 * MIN })]);
    expect(r.rows.map((x) => x.firstSeen)).toEqual([true]);
    await e.close();
  });
});
