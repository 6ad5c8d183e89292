/**
 * Archive partitions: roll-over by day and size, retention by whole files,
 * history paging across hot DB and partitions, restart, and the start-up
 * reconciliation of files the manifest does not list (or lists but lacks).
 */
import { readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ObservationInput } from "../../daemon/store/api.ts";
import { type EngineOptions, StoreEngine } from "../../daemon/store/engine.ts";
import { DAY_MS } from "../../daemon/store/partition.ts";
import * as q from "../../daemon/store/queries.ts";
import { engineOptions, hasSqlite3, sqlite3, storeDir, synthObs } from "../support/store.ts";

const DAY0 = Date.UTC(2026, 10, 1);
const N = 3000;

function opts(
  dir: string,
  clock: { now: number },
  more: Partial<EngineOptions> = {},
): EngineOptions {
  return engineOptions(dir, {
    hotMB: 0.25,
    partitionMB: 0.08,
    archiveChunkRows: 200,
    now: () => clock.now,
    ...more,
  });
}

/** Observation i of N spread over three days; every 10th is a second hearing of the previous one. */
function obs(i: number): ObservationInput {
  const at = DAY0 + Math.floor((i * 3 * DAY_MS) / N);
  const tx = i % 10 === 0 ? i - 1 : i;
  const o = synthObs(tx, { at, radioId: i % 3 === 0 ? "r2" : "r1" });
  if (i % 7 === 0 && tx === i)
    return {
      ...o,
      channelMessage: { channel: "test", sender: "bob", text: `m${i}`, senderTimestamp: i },
    };
  return o;
}

async function filled(dir: string, clock: { now: number }, more: Partial<EngineOptions> = {}) {
  const e = await StoreEngine.open(opts(dir, clock, more));
  for (let i = 1; i <= N; i += 100) {
    const batch = [];
    for (let k = i; k < i + 100; k++) batch.push(obs(k));
    e.ingest(batch);
    await e.drainArchive();
  }
  return e;
}

/** A filled archive whose host counts the calls that free memory (afterArchive). */
async function filledCountingReleases(name: string) {
  const clock = { now: DAY0 + 3 * DAY_MS };
  const released = { calls: 0 };
  const e = await filled(storeDir(name), clock, { afterArchive: () => released.calls++ });
  return { e, clock, released };
}

const partitions = (dir: string) =>
  readdirSync(join(dir, "archive"))
    .filter((f) => f.endsWith(".sqlite"))
    .sort();

function manifest(e: StoreEngine) {
  const r = e.database.exec(
    "SELECT name, max_id, max_at FROM archive_partitions ORDER BY max_id",
  )[0];
  return (r?.values ?? []).map((v) => ({
    name: String(v[0]),
    maxId: Number(v[1]),
    maxAt: Number(v[2]),
  }));
}

describe("archive partitions", () => {
  it.skipIf(!hasSqlite3)(
    "roll over by day and size into files sqlite3 opens; hot + archive hold every row once",
    async () => {
      const dir = storeDir("arc");
      const clock = { now: DAY0 + 3 * DAY_MS };
      const e = await filled(dir, clock);
      const files = partitions(dir);
      expect(files).toEqual(
        manifest(e)
          .map((m) => m.name)
          .sort(),
      );
      const days = new Set(files.map((f) => f.slice(4, 14)));
      expect([...days]).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"].slice(0, days.size));
      expect(days.size).toBeGreaterThanOrEqual(2);
      // A day past the size cap continues in a second part.
      expect(files.some((f) => f.endsWith("-001.sqlite"))).toBe(true);
      const h = e.health();
      expect(h.hotBytes).toBeLessThan(0.25 * 1024 * 1024);
      expect(h.archive?.partitions).toBe(files.length);
      let archived = 0;
      for (const m of manifest(e)) {
        const f = join(dir, "archive", m.name);
        expect(sqlite3(f, "PRAGMA integrity_check")).toBe("ok");
        expect(sqlite3(f, "SELECT name FROM sqlite_master WHERE name = 'observations_at'")).toBe(
          "observations_at",
        );
        archived += Number(sqlite3(f, `SELECT count(*) FROM observations WHERE id <= ${m.maxId}`));
      }
      const hot = q.scalar(e.database, "SELECT count(*) FROM observations");
      expect(archived).toBeGreaterThan(N / 2);
      expect(archived + hot).toBe(N);
      expect(h.counters.archived_observations).toBe(archived);
      e.abandon();
    },
  );

  it("pages newest first across hot DB and partitions, also after a restart", async () => {
    const dir = storeDir("arc");
    const clock = { now: DAY0 + 3 * DAY_MS };
    let e = await filled(dir, clock);
    const walk = (eng: StoreEngine, query: Record<string, unknown> = {}) => {
      const ids: number[] = [];
      let before: number | undefined;
      for (let guard = 0; guard < 1000; guard++) {
        const page = eng.history.packetPage({
          limit: 137,
          ...query,
          ...(before ? { before } : {}),
        });
        ids.push(...page.rows.map((r) => r.id));
        if (page.nextBefore === null) break;
        before = page.nextBefore;
      }
      return ids;
    };
    const all = Array.from({ length: N }, (_, k) => N - k);
    expect(walk(e)).toEqual(all);
    // Filters hold inside partitions too.
    const r2 = walk(e, { radioId: "r2" });
    expect(r2).toEqual(all.filter((i) => i % 3 === 0));
    const since = DAY0 + DAY_MS / 2;
    const until = DAY0 + DAY_MS + DAY_MS / 2;
    const window = walk(e, { since, until });
    expect(window.length).toBeGreaterThan(800);
    for (const id of window) {
      const at = DAY0 + Math.floor((id * 3 * DAY_MS) / N);
      expect(at >= since && at <= until).toBe(true);
    }
    // An archived transmission, both hearings, oldest first.
    const t = e.history.transmission(synthObs(19).hash);
    expect(t.map((r) => [r.id, r.firstSeen])).toEqual([
      [19, true],
      [20, false],
    ]);
    // Channel history continues into partitions, each message once.
    const msgs: string[] = [];
    let before: number | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = e.history.channelMessages("test", 50, before);
      msgs.push(...page.map((m) => m.text));
      if (page.length < 50) break;
      before = page.at(-1)!.id;
    }
    const expected = all.filter((i) => i % 7 === 0 && i % 10 !== 0).map((i) => `m${i}`);
    expect(msgs).toEqual(expected);
    await e.close();
    e = await StoreEngine.open(opts(dir, clock));
    expect(walk(e)).toEqual(all);
    e.abandon();
  });

  it("retention deletes whole partition files by age and by total size, never rewriting the rest", async () => {
    const dir = storeDir("arc");
    const clock = { now: DAY0 + 3 * DAY_MS };
    const e = await filled(dir, clock, { maxAgeDays: 2 });
    const before = manifest(e);
    const stamp = (f: string) => {
      const s = statSync(join(dir, "archive", f));
      return `${s.size}@${s.mtimeMs}`;
    };
    const stamps = new Map(partitions(dir).map((f) => [f, stamp(f)]));
    const deletedBefore = e.health().counters.archive_partitions_deleted ?? 0;
    clock.now = DAY0 + 3.6 * DAY_MS;
    const cutoff = clock.now - 2 * DAY_MS;
    for (let i = 0; i < 5; i++) e.maintain();
    const kept = manifest(e);
    expect(kept.map((m) => m.name)).toEqual(
      before.filter((m) => m.maxAt >= cutoff).map((m) => m.name),
    );
    expect(kept.length).toBeLessThan(before.length);
    expect(partitions(dir)).toEqual(kept.map((m) => m.name).sort());
    for (const f of partitions(dir)) expect(stamp(f)).toBe(stamps.get(f));
    expect(e.health().counters.archive_partitions_deleted).toBe(
      deletedBefore + before.length - kept.length,
    );
    // History now ends at the oldest kept partition, without error.
    const oldest = e.history.packetPage({ limit: 1000, before: kept[0]!.maxId + 1 });
    expect(oldest.rows.length).toBeGreaterThan(0);
    e.abandon();

    // Size cap: the oldest files go until the rest fit.
    const dir2 = storeDir("arc");
    const clock2 = { now: DAY0 + 3 * DAY_MS };
    const e2 = await filled(dir2, clock2, { archiveMaxMB: 0.2 });
    e2.maintain();
    const total = e2.health().archive!.bytes;
    expect(total).toBeLessThanOrEqual(0.2 * 1024 * 1024);
    expect(partitions(dir2).length).toBe(e2.health().archive!.partitions);
    const first = manifest(e2)[0]!;
    expect(first.name >= "obs-2026-11-01").toBe(true);
    e2.abandon();
  });

  it("at start removes files the manifest does not list and reports listed files that are gone", async () => {
    const dir = storeDir("arc");
    const clock = { now: DAY0 + 3 * DAY_MS };
    const e = await filled(dir, clock);
    const m = manifest(e);
    await e.close();
    writeFileSync(join(dir, "archive", "obs-2026-10-30-000.sqlite"), "orphan");
    writeFileSync(join(dir, "archive", "obs-2026-11-01-000.sqlite.tmp"), "half");
    unlinkSync(join(dir, "archive", m[1]!.name));
    const e2 = await StoreEngine.open(opts(dir, clock));
    expect(partitions(dir)).toEqual(
      m
        .filter((_, i) => i !== 1)
        .map((p) => p.name)
        .sort(),
    );
    expect(readdirSync(join(dir, "archive")).some((f) => f.endsWith(".tmp"))).toBe(false);
    const h = e2.health();
    expect(h.error).toContain(m[1]!.name);
    expect(h.counters.archive_missing).toBe(1);
    expect(manifest(e2).map((p) => p.name)).not.toContain(m[1]!.name);
    // Paging skips the lost range and goes on.
    const ids = e2.history
      .packetPage({ limit: 1000, before: m[2]!.maxId + 1 })
      .rows.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.some((id) => id <= m[1]!.maxId && id > m[0]!.maxId)).toBe(false);
    e2.abandon();
  });

  it("when nodes alone fill the budget, each pass waits for a whole chunk", async () => {
    const dir = storeDir("arc-full");
    const clock = { now: DAY0 + 12 * 3_600_000 };
    const chunk = 1500;
    const e = await StoreEngine.open(opts(dir, clock, { archiveChunkRows: chunk }));
    // About 0.3 MB of node rows: past the 0.25 MB budget with no observation hot.
    e.database.exec("BEGIN");
    for (let i = 0; i < 2000; i++)
      e.database.run(
        "INSERT INTO nodes (public_key, name, role, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, ?, 1, 0, 0, 0, 0, 1)",
        [i.toString(16).padStart(64, "0"), `node ${i}`],
      );
    e.database.exec("COMMIT");
    const total = 5000;
    for (let i = 1; i <= total; i += 100) {
      const batch = [];
      // All within the last hours: only size pressure moves them.
      for (let k = i; k < i + 100; k++) batch.push(synthObs(k, { at: DAY0 + k * 1000 }));
      e.ingest(batch);
      await e.drainArchive();
    }
    const c = e.health().counters;
    // Never a pass per 1,000 packets: 3 passes of 1,500, 500 still hot.
    expect(c.archive_passes).toBe(Math.floor(total / chunk));
    expect(c.archived_observations).toBe(Math.floor(total / chunk) * chunk);
    expect(q.scalar(e.database, "SELECT count(*) FROM observations")).toBe(total % chunk);
    e.abandon();
  });

  it("closes a partition left unused for 5 s and tells the host, so its copy is freed", async () => {
    const { e, clock, released } = await filledCountingReleases("arc-idle");
    // A page past the hot window opens partitions; the last one stays open.
    const oldest = e.history.packetPage({ limit: 10, before: manifest(e)[0]!.maxId + 1 });
    expect(oldest.rows.length).toBe(10);
    const before = released.calls;
    clock.now += 4_000;
    await e.drainArchive();
    expect(released.calls).toBe(before);
    clock.now += 2_000;
    await e.drainArchive();
    expect(released.calls).toBe(before + 1);
    // Closed once: nothing more to free.
    clock.now += 10_000;
    await e.drainArchive();
    expect(released.calls).toBe(before + 1);
    e.abandon();
  });

  it("tells the host after every archive pass, so the worker can free the pass's copies", async () => {
    const { e, released } = await filledCountingReleases("arc-after");
    const passes = e.health().counters.archive_passes ?? 0;
    expect(passes).toBeGreaterThan(1);
    expect(released.calls).toBe(passes);
    e.abandon();
  });
});
