/**
 * The node table kept by column: what goes in comes back out, nulls stay
 * null, a copy never changes the table, and a slot freed by eviction carries
 * nothing of its old node into the next one.
 */
import { describe, expect, it } from "vitest";
import { type NodeState, NodeTable } from "../../daemon/mesh/nodes.ts";
import { PrefixIndex } from "../../daemon/mesh/prefix-index.ts";
import { addStat, type RunningStats } from "../../daemon/mesh/stats.ts";
import { resolveConfig } from "../../daemon/mesh/types.ts";

const key = (i: number, first = "") => (first + i.toString(16).toUpperCase()).padEnd(64, "7");

function advert(
  t: NodeTable,
  k: string,
  at: number,
  extra: Partial<{ lat: number; lon: number }> = {},
) {
  return t.advert(
    {
      publicKey: k,
      role: 2,
      lat: extra.lat ?? null,
      lon: extra.lon ?? null,
      name: `n-${at}`,
      timestamp: 7,
    },
    at,
    1,
    true,
  );
}

describe("NodeTable", () => {
  it("starts a node with nulls where nothing is known, and answers copies", () => {
    const t = new NodeTable(resolveConfig());
    const k = key(1, "AB");
    expect(t.ensure(k, 1000)).toBe(true);
    expect(t.ensure("not-a-key", 1000)).toBe(false);
    const n = t.get(k)!;
    expect(n).toMatchObject({
      publicKey: k,
      name: null,
      role: 0,
      lat: null,
      lon: null,
      firstHeard: 1000,
      lastHeard: 0,
      advertIntervalMs: null,
      fewestHops: null,
      snr: null,
      extras: null,
    });
    n.lastHeard = 99;
    n.name = "changed";
    expect(t.get(k)).toMatchObject({ lastHeard: 0, name: null });
    expect(t.info(k)).toEqual({ role: 0, lat: null, lon: null });
  });

  it("folds adverts and direct hearings in", () => {
    const t = new NodeTable(resolveConfig());
    const k = key(2, "CD");
    expect(advert(t, k, 10_000, { lat: 52.5, lon: 13.4 })).toBe(k);
    advert(t, k, 70_000);
    t.direct(k, 70_000, 6.5, -90);
    t.direct(k, 71_000, null, -80);
    const n = t.get(k)!;
    expect(n).toMatchObject({
      name: "n-70000",
      role: 2,
      lat: 52.5, // an advert without a position keeps the last one
      lon: 13.4,
      lastHeard: 70_000,
      lastAdvert: 70_000,
      advertCount: 2,
      advertIntervalMs: 60_000,
      fewestHops: 1,
      lastDirect: 71_000,
    });
    expect(n.snr).toMatchObject({ n: 1, last: 6.5 });
    expect(n.rssi).toMatchObject({ n: 2, last: -80 });
  });

  it("puts a saved node back field for field", () => {
    const t = new NodeTable(resolveConfig());
    const saved: NodeState = {
      publicKey: key(3, "EF"),
      name: "hill",
      role: 3,
      lat: -33.9,
      lon: 151.2,
      firstHeard: 1,
      lastHeard: 2,
      lastAdvert: 3,
      lastAdvertTx: 4,
      advertCount: 5,
      advertIntervalMs: 6,
      advertTimestamp: 7,
      fewestHops: 0,
      snr: { n: 1, sum: 2, min: 2, max: 2, last: 2, recent: 2 },
      rssi: null,
      lastDirect: 8,
      relayed: 9,
      extras: { temp: 21 },
    };
    expect(t.put(saved)).toBe(true);
    expect(t.get(saved.publicKey)).toEqual(saved);
    // The saved row's JSON keeps its field order.
    expect(Object.keys(t.get(saved.publicKey)!)).toEqual(Object.keys(saved));
  });

  it("keeps each node's direct SNR and RSSI statistics while the table grows", () => {
    const t = new NodeTable(resolveConfig());
    const keys = Array.from({ length: 300 }, (_, i) => key(i + 16, "3"));
    const want = new Map<string, { snr: RunningStats | null; rssi: RunningStats | null }>();
    for (let round = 0; round < 3; round++)
      keys.forEach((k, i) => {
        t.ensure(k, 1000);
        const snr = i % 4 === 0 ? null : ((i * 7 + round * 13) % 80) / 4 - 10;
        const rssi = i % 5 === 0 ? null : -60 - ((i + round) % 50);
        t.direct(k, 2000 + round, snr, rssi);
        const w = want.get(k) ?? { snr: null, rssi: null };
        if (snr !== null) w.snr = addStat(w.snr, snr);
        if (rssi !== null) w.rssi = addStat(w.rssi, rssi);
        want.set(k, w);
      });
    for (const k of keys) {
      const n = t.get(k)!;
      expect({ snr: n.snr, rssi: n.rssi }).toEqual(want.get(k));
      expect(n.lastDirect).toBe(2002);
    }
  });

  it("evicts the longest-unheard tenth and reuses their slots clean", () => {
    const t = new NodeTable(resolveConfig({ maxNodes: 20 }));
    const gone: string[] = [];
    t.onEvict = (k) => gone.push(k);
    const keys = Array.from({ length: 20 }, (_, i) => key(i + 16, "1"));
    keys.forEach((k, i) => {
      advert(t, k, 1000 + i, { lat: 1, lon: 2 });
      t.direct(k, 1000 + i, 3, -70);
    });
    expect(t.size).toBe(20);
    const late = key(99, "2");
    t.ensure(late, 5000);
    expect(gone).toEqual(keys.slice(0, 2));
    expect(t.size).toBe(19);
    expect(t.has(keys[0]!)).toBe(false);
    expect(t.get(keys[0]!)).toBeUndefined();
    // The newcomer took a freed slot: none of the evicted node's fields.
    expect(t.get(late)).toMatchObject({
      name: null,
      lat: null,
      snr: null,
      rssi: null,
      advertCount: 0,
      firstHeard: 5000,
    });
    expect([...t.values()]).toHaveLength(19);
    expect(t.size).toBe(19);
    expect(t.index.lookup(keys[0]!.slice(0, 6))).toEqual([]);
  });
});

describe("PrefixIndex kept sorted", () => {
  it("finds the run of keys under a prefix, whatever order they came in", () => {
    const ix = new PrefixIndex();
    const keys = ["A1B2", "A1B3", "A1FF", "A2", "00"].map((p) => p.padEnd(64, "0"));
    for (const k of [...keys].reverse()) ix.add(k);
    expect(ix.size).toBe(5);
    expect(ix.lookup("a1")).toEqual(keys.slice(0, 3));
    expect(ix.lookup("A1B2")).toEqual([keys[0]]);
    expect(ix.lookup("A2")).toEqual([keys[3]]);
    expect(ix.lookup("A3")).toEqual([]);
    expect([ix.count("A1"), ix.count("A1B2"), ix.count("A3"), ix.count("")]).toEqual([3, 1, 0, 0]);
    expect([ix.sole("A1"), ix.sole("a1b3"), ix.sole("A3")]).toEqual([null, keys[1], null]);
    // Only 1-, 2- and 3-byte prefixes: never the whole table for "".
    expect(ix.lookup("")).toEqual([]);
    expect(ix.lookup("A")).toEqual([]);
    expect(ix.lookup("A1B2000000")).toEqual([]);
    expect(ix.collisions(1)).toEqual([{ prefix: "A1", bytes: 1, keys: keys.slice(0, 3) }]);
    expect(ix.collisions(2)).toEqual([]);
    expect(ix.has(keys[1]!)).toBe(true);
    ix.remove(keys[1]!);
    expect(ix.has(keys[1]!)).toBe(false);
    expect(ix.lookup("A1")).toEqual([keys[0], keys[2]]);
    ix.removeAll(new Set([keys[0]!, keys[4]!, "not-there"]));
    expect(ix.size).toBe(2);
    expect(ix.lookup("A1")).toEqual([keys[2]]);
    expect(ix.lookup("00")).toEqual([]);
  });

  it("keeps each key's number beside it through adds and removals", () => {
    const ix = new PrefixIndex();
    const keys = ["C0", "A0", "B0", "D0", "E0"].map((p) => p.padEnd(64, "0"));
    for (const [i, k] of keys.entries()) ix.add(k, i * 10);
    expect(ix.add(keys[0]!, 99)).toBe(false);
    expect(keys.map((k) => ix.valueOf(k))).toEqual([0, 10, 20, 30, 40]);
    expect(ix.valueOf("F0".padEnd(64, "0"))).toBeUndefined();
    ix.remove(keys[2]!);
    ix.removeAll(new Set([keys[3]!]));
    expect(ix.entries()).toEqual([
      [keys[1], 10],
      [keys[0], 0],
      [keys[4], 40],
    ]);
    expect(ix.valueOf(keys[2]!)).toBeUndefined();
    expect([0, 1, 2, 3].map((i) => [ix.keyAt(i), ix.valueAt(i)])).toEqual([
      [keys[1], 10],
      [keys[0], 0],
      [keys[4], 40],
      [undefined, undefined],
    ]);
  });
});
