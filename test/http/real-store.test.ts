/**
 * The API over the real store (sql.js in its worker, in memory): what the
 * UI sees end to end below the radio.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import type { PacketItem } from "../../daemon/core/types.ts";
import type { ObservationInput, StoreApi } from "../../daemon/store/api.ts";
import { createStore } from "../../daemon/store/store.ts";
import { makeNodes, makeRows, T0 } from "../support/http/fixtures.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";

const nodes = makeNodes(12);

/** The synthetic rows as ingest would hand them over, with adverts and channel messages. */
function inputs(): ObservationInput[] {
  return makeRows(240, 11, nodes).map((r) => {
    const node = nodes.find((n) => n.publicKey === r.advertKey);
    return {
      hash: r.hash,
      raw: r.raw,
      radioId: r.radioId,
      at: r.at,
      snr: r.snr,
      rssi: r.rssi,
      payloadType: r.payloadType,
      route: r.route,
      version: 0,
      hashSize: r.hashSize,
      hops: r.hops,
      error: null,
      summary: r.summary,
      ...(node &&
        r.firstSeen && {
          advert: {
            publicKey: node.publicKey,
            name: node.name,
            role: node.role,
            lat: node.lat,
            lon: node.lon,
            advertTimestamp: Math.floor(r.at / 1000),
          },
        }),
      ...(r.payloadType === 5 &&
        r.firstSeen && {
          channelMessage: {
            channel: "#test",
            sender: "alice",
            text: `hello ${r.id}`,
            senderTimestamp: Math.floor(r.at / 1000),
          },
        }),
    };
  });
}

describe.each(ENGINES)("API over the real store on %s", (engine) => {
  let store: StoreApi;
  let t: TestServer;
  beforeAll(async () => {
    store = createStore({
      dataDir: "",
      memory: true,
      fsyncIntervalMs: 1000,
      snapshotJournalRatio: 0.5,
      maxDbMB: 64,
      maxAgeDays: 3650,
      log: silentLogger(),
    });
    await store.start();
    const all = inputs();
    for (let i = 0; i < all.length; i += 50) await store.ingest(all.slice(i, i + 50));
    t = await startServer(engine, { store, now: () => T0 + 300_000 });
  });
  afterAll(async () => {
    await t?.close();
    await store?.stop();
  });

  it("health counts the stored observations", async () => {
    const h = (await (await fetch(`${t.base}/api/health`)).json()) as {
      store: { observations: number; transmissions: number };
    };
    expect(h.store.observations).toBe(240);
    expect(h.store.transmissions).toBe(180);
  });

  it("pages every observation newest first with nextCursor", async () => {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${t.base}/api/packets?limit=64${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await res.json()) as { items: PacketItem[]; nextCursor: string | null };
      ids.push(...body.items.map((p) => p.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(ids.length).toBe(240);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(240);
  });

  it("filters by type and groups second hearings under their transmission", async () => {
    const res = await fetch(`${t.base}/api/packets?type=GRP_TXT&limit=1000`);
    const items = ((await res.json()) as { items: PacketItem[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.payloadType === "GRP_TXT")).toBe(true);
    const grouped = (await (await fetch(`${t.base}/api/packets?limit=40&group=1`)).json()) as {
      items: { hash: string; observations: PacketItem[] }[];
    };
    expect(grouped.items.length).toBe(30);
    for (const g of grouped.items) {
      expect(g.observations.every((o) => o.hash === g.hash)).toBe(true);
      expect(g.observations[0]!.firstSeen).toBe(true);
    }
  });

  it("serves packet detail with every observation", async () => {
    const second = (await (await fetch(`${t.base}/api/packets?radio=r2&limit=1`)).json()) as {
      items: PacketItem[];
    };
    const hash = second.items[0]!.hash;
    const d = (await (await fetch(`${t.base}/api/packets/${hash}`)).json()) as {
      observations: PacketItem[];
    };
    expect(d.observations.map((o) => o.radioId).sort()).toEqual(["r1", "r2"]);
  });

  it("lists advertised nodes and channel messages", async () => {
    const n = (await (await fetch(`${t.base}/api/nodes`)).json()) as {
      items: { publicKey: string }[];
      total: number;
    };
    expect(n.total).toBeGreaterThan(0);
    expect(n.items.every((x) => nodes.some((k) => k.publicKey === x.publicKey))).toBe(true);
    const m = (await (
      await fetch(`${t.base}/api/channels/messages?channel=%23test&limit=5`)
    ).json()) as {
      items: { text: string; channel: string }[];
    };
    expect(m.items.length).toBe(5);
    expect(m.items.every((x) => x.channel === "#test" && x.text.startsWith("hello "))).toBe(true);
  });
});
