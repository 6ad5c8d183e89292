import {
  appendFileSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type EngineOptions, StoreEngine } from "../../daemon/store/engine.ts";
import { frame, JOURNAL_MAGIC_V1 } from "../../daemon/store/journal.ts";
import { dbBytes } from "../../daemon/store/maintenance.ts";
import * as q from "../../daemon/store/queries.ts";
import { engineOptions, storeDir, synthObs, V1_INGEST_HEX } from "../support/store.ts";

const files = (dir: string, prefix: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort();

function ingestRange(e: StoreEngine, from: number, to: number, radioId = "r1"): void {
  const batch = [];
  for (let i = from; i < to; i++) batch.push(synthObs(i, { radioId }));
  e.ingest(batch);
}

/** `batches` batches of `size` observations (from 0 on), each followed by `then` (a flush, a snapshot). */
async function ingestBatches(
  e: StoreEngine,
  batches: number,
  size: number,
  then: () => unknown,
): Promise<void> {
  for (let b = 0; b < batches; b++) {
    ingestRange(e, b * size, b * size + size);
    await then();
  }
}

/**
 * A power cut (no snapshot, no clean close), `meanwhile` done to the files
 * while the daemon is down (a check, or damage), then the engine started
 * again on `dir`.
 */
function restartAfterCut(
  e: StoreEngine,
  dir: string,
  { meanwhile, more }: { meanwhile?: () => void; more?: Partial<EngineOptions> } = {},
): Promise<StoreEngine> {
  e.abandon();
  meanwhile?.();
  return StoreEngine.open(engineOptions(dir, more));
}

function counts(e: StoreEngine) {
  const n = (sql: string) => q.scalar(e.database, sql);
  return {
    obs: n("SELECT count(*) FROM observations"),
    tx: n("SELECT count(*) FROM transmissions"),
    traffic: n("SELECT sum(packets) FROM rollup_traffic"),
    outbox: n("SELECT count(*) FROM outbox"),
  };
}

describe("store engine: queries", () => {
  it("dedupes by hash, lists newest first with cursor and filters", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true }));
    const r = e.ingest([synthObs(1), synthObs(2), synthObs(1, { radioId: "r2", hops: ["c3"] })]);
    expect(r.rows).toEqual([
      { id: 1, firstSeen: true },
      { id: 2, firstSeen: true },
      { id: 3, firstSeen: false },
    ]);
    e.ingest([
      {
        ...synthObs(3),
        payloadType: 4,
        route: 2,
        advert: {
          publicKey: "c3ffee".toUpperCase() + "00".repeat(29),
          name: "Bob",
          role: 2,
          lat: 1.5,
          lon: 2.5,
          advertTimestamp: 100,
        },
      },
    ]);
    const all = q.listPackets(e.database, { limit: 10 });
    expect(all.map((p) => p.id)).toEqual([4, 3, 2, 1]);
    expect(q.listPackets(e.database, { limit: 2, before: 3 }).map((p) => p.id)).toEqual([2, 1]);
    expect(q.listPackets(e.database, { limit: 10, radioId: "r2" }).map((p) => p.id)).toEqual([3]);
    expect(q.listPackets(e.database, { limit: 10, payloadType: 4 }).map((p) => p.id)).toEqual([4]);
    expect(q.listPackets(e.database, { limit: 10, route: 2 }).map((p) => p.id)).toEqual([4]);
    // Node C3FFEE...: its advert, plus packets whose 1-byte path holds c3.
    expect(q.listPackets(e.database, { limit: 10, node: "C3FFEE" }).map((p) => p.id)).toEqual([
      4, 3,
    ]);
    expect(
      q.getTransmission(e.database, synthObs(1).hash).map((p) => [p.id, p.radioId, p.hops]),
    ).toEqual([
      [1, "r1", ["a1", "b2"]],
      [3, "r2", ["c3"]],
    ]);
    expect(q.scanObservations(e.database, 2, 10).map((p) => p.id)).toEqual([3, 4]);
    const node = q.getNode(e.database, `c3ffee${"00".repeat(29)}`);
    expect(node).toMatchObject({ name: "Bob", role: 2, lat: 1.5, advertCount: 1 });
    await e.close();
  });

  it("scanNodes pages the node table in key order", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true }));
    const keys = ["C3", "0A", "FF", "7B", "11"].map((b) => b.repeat(32));
    e.ingest(
      keys.map((publicKey, i) => ({
        ...synthObs(20 + i),
        advert: { publicKey, name: `n${i}`, role: 2, lat: null, lon: null, advertTimestamp: 1 },
      })),
    );
    const pages: string[][] = [];
    for (let after = ""; ; ) {
      const page = q.scanNodes(e.database, after, 2);
      if (page.length === 0) break;
      pages.push(page.map((n) => n.publicKey.slice(0, 2)));
      after = page[page.length - 1]!.publicKey;
    }
    expect(pages).toEqual([["0A", "11"], ["7B", "C3"], ["FF"]]);
    await e.close();
  });

  it("an older advert does not overwrite a newer one; hostile sizes are bounded", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true }));
    const key = "AB".repeat(32);
    const advert = (ts: number, name: string) => ({
      publicKey: key,
      name,
      role: 1,
      lat: null,
      lon: null,
      advertTimestamp: ts,
    });
    e.ingest([{ ...synthObs(10, { at: 5000 }), advert: advert(200, "new") }]);
    e.ingest([{ ...synthObs(11, { at: 6000 }), advert: advert(100, "replayed-old") }]);
    expect(q.getNode(e.database, key)).toMatchObject({
      name: "new",
      advertTimestamp: 200,
      lastSeen: 6000,
      advertCount: 2,
    });
    e.ingest([
      { ...synthObs(12), summary: "x".repeat(100_000), advert: advert(300, "n".repeat(10_000)) },
    ]);
    expect(q.getNode(e.database, key)?.name?.length).toBe(64);
    expect(q.listPackets(e.database, { limit: 1 })[0]?.summary.length).toBe(256);
    expect(e.health().counters.truncated_fields).toBeGreaterThanOrEqual(2);
    await e.close();
  });

  it("channel messages newest first per channel", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true }));
    const msg = (i: number, channel: string) => ({
      ...synthObs(i),
      channelMessage: { channel, sender: "s", text: `m${i}`, senderTimestamp: i },
    });
    e.ingest([msg(1, "#a"), msg(2, "#b"), msg(3, "#a"), msg(3, "#a")]);
    expect(q.listChannelMessages(e.database, "#a", 10).map((m) => m.text)).toEqual(["m3", "m1"]);
    expect(q.listChannelMessages(e.database, null, 10).map((m) => m.text)).toEqual([
      "m3",
      "m2",
      "m1",
    ]);
    const newest = q.listChannelMessages(e.database, null, 1)[0]!;
    expect(q.listChannelMessages(e.database, null, 10, newest.id).map((m) => m.text)).toEqual([
      "m2",
      "m1",
    ]);
    await e.close();
  });
});

describe("store engine: persistence", () => {
  it("replays the journal after a crash, and replaying twice adds nothing", async () => {
    const dir = storeDir("replay");
    let e = await StoreEngine.open(engineOptions(dir));
    ingestRange(e, 0, 300);
    ingestRange(e, 0, 100, "r2"); // repeats
    e.setMeta("k", "v1");
    e.outboxEnqueue([{ broker: "b", topic: "t", payload: "p", qos: 1, retain: false }]);
    e.flushJournal();
    const before = counts(e);
    e = await restartAfterCut(e, dir, {
      meanwhile: () => expect(files(dir, "snapshot")).toEqual([]),
    });
    expect(counts(e)).toEqual(before);
    expect(e.getMeta("k")).toBe("v1");
    e = await restartAfterCut(e, dir);
    expect(counts(e)).toEqual(before);
    // New ids continue after the replayed ones.
    expect(e.ingest([synthObs(1000)]).rows[0]?.id).toBe(401);
    await e.close();
  });

  it("reports each replayed record with the database, as the file grows (for the worker's collections)", async () => {
    const dir = storeDir("replay-hook");
    let e = await StoreEngine.open(engineOptions(dir));
    await ingestBatches(e, 6, 400, () => e.flushJournal());
    e.flushJournal();
    const finalBytes = dbBytes(e.database).total;
    const seen: number[] = [];
    const recordBytes: number[] = [];
    e = await restartAfterCut(e, dir, {
      more: {
        afterReplayRecord: (db, bytes) => {
          seen.push(dbBytes(db).total);
          recordBytes.push(bytes);
        },
      },
    });
    const replayed = e.health().counters.replayed_records ?? 0;
    expect(replayed).toBeGreaterThan(0);
    expect(seen).toHaveLength(replayed);
    // Each with the size of the record it applied.
    expect(recordBytes.every((b) => b > 0)).toBe(true);
    // Called as the file grows, record by record, up to the size written before the cut.
    expect(seen[0]!).toBeLessThan(seen.at(-1)!);
    expect(seen.at(-1)).toBe(finalBytes);
    expect(dbBytes(e.database).total).toBe(finalBytes);
    await e.close();
  });

  it("a snapshot plus a journal that still holds its records yields no duplicates", async () => {
    const dir = storeDir("overlap");
    let e = await StoreEngine.open(engineOptions(dir));
    ingestRange(e, 0, 200);
    e.flushJournal();
    const oldJournal = files(dir, "journal")[0]!;
    const saved = readFileSync(join(dir, oldJournal));
    ingestRange(e, 200, 250);
    await e.snapshot();
    const expected = counts(e);
    e = await restartAfterCut(e, dir, {
      // As if the cut came after the snapshot rename but before journal cleanup.
      meanwhile: () => writeFileSync(join(dir, oldJournal), saved),
    });
    expect(counts(e)).toEqual(expected);
    await e.close();
  });

  it("drops a torn journal tail and keeps everything before it", async () => {
    const dir = storeDir("torn");
    let e = await StoreEngine.open(engineOptions(dir));
    // One group commit per batch: a commit is the unit a power cut can tear.
    await ingestBatches(e, 10, 10, () => e.flushJournal());
    e = await restartAfterCut(e, dir, {
      meanwhile: () => {
        const j = join(dir, files(dir, "journal")[0]!);
        truncateSync(j, statSync(j).size - 5); // the last batch is torn
        appendFileSync(j, Buffer.from([1, 2])); // and garbage after it
      },
    });
    expect(counts(e).obs).toBe(90);
    expect(e.health().counters.journal_torn).toBe(1);
    // Writing goes on in a fresh file, and the next start sees both.
    ingestRange(e, 1000, 1005);
    e.flushJournal();
    e = await restartAfterCut(e, dir);
    expect(counts(e).obs).toBe(95);
    await e.close();
  });

  it("an unreadable snapshot is moved aside and the data rebuilt from the older one plus journal", async () => {
    const dir = storeDir("corrupt");
    let e = await StoreEngine.open(engineOptions(dir));
    await ingestBatches(e, 2, 100, () => e.snapshot());
    ingestRange(e, 200, 230);
    e.flushJournal();
    const expected = counts(e);
    e = await restartAfterCut(e, dir, {
      meanwhile: () => {
        const snaps = files(dir, "snapshot");
        expect(snaps).toHaveLength(2);
        const newest = join(dir, snaps[1]!);
        const bytes = readFileSync(newest);
        bytes.fill(0x55, 0, 4096); // wreck the header page
        writeFileSync(newest, bytes);
      },
    });
    expect(counts(e)).toEqual(expected);
    const h = e.health();
    expect(h.counters.snapshot_corrupt).toBe(1);
    expect(h.error).toMatch(/unreadable/);
    expect(readdirSync(dir).some((f) => f.includes(".corrupt-"))).toBe(true);
    await e.close();
  });

  it("replays a journal an earlier version wrote (layout 1), then continues in layout 3", async () => {
    const dir = storeDir("upgrade");
    const record = Buffer.from(V1_INGEST_HEX, "hex");
    record[1] = 1; // the fixture's sequence number 7 -> 1: the first record of a fresh store
    writeFileSync(
      join(dir, "journal-0000000000000001.log"),
      Buffer.concat([JOURNAL_MAGIC_V1, frame(record)]),
    );
    let e = await StoreEngine.open(engineOptions(dir));
    expect(counts(e)).toMatchObject({ obs: 3, tx: 2 });
    expect(e.health().nodes).toBe(1);
    expect(e.health().error).toBeNull();
    ingestRange(e, 0, 10);
    e.flushJournal();
    e = await restartAfterCut(e, dir, {
      meanwhile: () => {
        const journals = files(dir, "journal");
        expect(journals).toHaveLength(2);
        expect(readFileSync(join(dir, journals[1]!)).subarray(0, 4).toString()).toBe("MGJ3");
      },
    });
    expect(counts(e)).toMatchObject({ obs: 13, tx: 12 });
    expect(q.listChannelMessages(e.database, "#test", 10).map((m) => m.text)).toEqual(["hi"]);
    await e.close();
  });

  it("keeps two snapshots and only the journal the older one needs", async () => {
    const dir = storeDir("rotate");
    const e = await StoreEngine.open(engineOptions(dir));
    await ingestBatches(e, 4, 50, () => e.snapshot());
    expect(files(dir, "snapshot")).toHaveLength(2);
    expect(e.health().lastSnapshotMs).toBeGreaterThanOrEqual(0);
    expect(e.health().lastSnapshotAt).not.toBeNull();
    // Journals start at the record after the older kept snapshot at the earliest.
    const olderSeq = Number(files(dir, "snapshot")[0]!.slice(9, 25));
    for (const f of files(dir, "journal")) expect(Number(f.slice(8, 24))).toBeGreaterThan(olderSeq);
    await e.close();
    // A restart reports the snapshot it loaded as the last one, with no duration.
    const again = await StoreEngine.open(engineOptions(dir));
    const newest = files(dir, "snapshot").at(-1)!;
    expect(again.health().lastSnapshotAt).toBe(statSync(join(dir, newest)).mtimeMs);
    expect(again.health().lastSnapshotMs).toBeNull();
    again.abandon();
  });
});

describe("store engine: retention and outbox", () => {
  it("keeps the DB within 10% of maxDbMB while rollups and nodes outlive raw rows", async () => {
    const e = await StoreEngine.open(engineOptions("", { memory: true, maxDbMB: 1 }));
    const key = "CD".repeat(32);
    e.ingest([
      {
        ...synthObs(0),
        advert: { publicKey: key, name: "n", role: 2, lat: null, lon: null, advertTimestamp: 1 },
      },
    ]);
    let max = 0;
    for (let b = 0; b < 40; b++) {
      ingestRange(e, 1 + b * 250, 1 + (b + 1) * 250);
      e.maintain();
      max = Math.max(max, e.health().dbBytes);
    }
    expect(max).toBeLessThanOrEqual(1.1 * 1024 * 1024);
    const c = counts(e);
    expect(c.obs).toBeLessThan(10_001);
    expect(c.obs).toBeGreaterThan(1000);
    expect(c.traffic).toBe(10_001); // every packet still counted in the hourly rollup
    expect(q.getNode(e.database, key)).not.toBeNull();
    expect(q.getTransmission(e.database, synthObs(0).hash)).toEqual([]);
    // Transmissions without observations are gone too.
    expect(
      q.scalar(
        e.database,
        "SELECT count(*) FROM transmissions t WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.tx_id = t.id)",
      ),
    ).toBe(0);
    await e.close();
  });

  it("prunes by age", async () => {
    let now = 1_770_000_000_000 + 100 * 86_400_000;
    const e = await StoreEngine.open(
      engineOptions("", { memory: true, maxAgeDays: 10, now: () => now }),
    );
    e.ingest([
      synthObs(1, { at: now - 20 * 86_400_000 }),
      synthObs(2, { at: now - 5 * 86_400_000 }),
    ]);
    e.maintain();
    expect(q.listPackets(e.database, { limit: 10 }).map((p) => p.hash)).toEqual([synthObs(2).hash]);
    now += 6 * 86_400_000;
    e.maintain();
    expect(q.listPackets(e.database, { limit: 10 })).toEqual([]);
    await e.close();
  });

  it("outbox: per-broker oldest first, ack removes, bounded with drop-oldest, survives a crash", async () => {
    const dir = storeDir("outbox");
    let e = await StoreEngine.open(engineOptions(dir, { outboxMaxPerBroker: 5 }));
    const msg = (broker: string, i: number) => ({
      broker,
      topic: `t/${i}`,
      payload: `p${i}`,
      qos: 1 as const,
      retain: false,
    });
    const topicsOfA = () => q.outboxPeek(e.database, "a", 10).map((m) => m.topic);
    e.outboxEnqueue([msg("a", 1), msg("b", 1), msg("a", 2), msg("a", 3)]);
    const peekA = q.outboxPeek(e.database, "a", 10);
    expect(peekA.map((m) => m.topic)).toEqual(["t/1", "t/2", "t/3"]);
    e.outboxAck([peekA[0]!.id]);
    expect(topicsOfA()).toEqual(["t/2", "t/3"]);
    e.outboxEnqueue([4, 5, 6, 7, 8].map((i) => msg("a", i)));
    // Bounded at 5: the two oldest left, and the same after the crash.
    const kept = ["t/4", "t/5", "t/6", "t/7", "t/8"];
    expect(topicsOfA()).toEqual(kept);
    expect(e.outboxDropped()).toBe(2);
    expect(q.outboxDepth(e.database)).toEqual({ a: 5, b: 1 });
    e.flushJournal();
    e = await restartAfterCut(e, dir, { more: { outboxMaxPerBroker: 5 } });
    expect(topicsOfA()).toEqual(kept);
    expect(e.outboxDropped()).toBe(2);
    await e.close();
  });

  it("outbox: messages past the age limit are dropped and counted", async () => {
    let now = 1_000_000;
    const e = await StoreEngine.open(
      engineOptions("", { memory: true, outboxMaxAgeMs: 60_000, now: () => now }),
    );
    e.outboxEnqueue([{ broker: "a", topic: "t", payload: "x", qos: 0, retain: false }]);
    now += 61_000;
    e.maintain();
    expect(q.outboxPeek(e.database, "a", 10)).toEqual([]);
    expect(e.outboxDropped()).toBe(1);
    await e.close();
  });
});
