import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { StoredPacket } from "../../daemon/core/types.ts";
import { type DecodedFields, Ingest } from "../../daemon/ingest/ingest.ts";
import type { IngestResult, ObservationInput } from "../../daemon/store/api.ts";

/** A store double that assigns ids and remembers hashes, like the real one. */
class FakeStore {
  calls: ObservationInput[][] = [];
  failNext = 0;
  private seen = new Set<string>();
  private nextId = 1;
  async ingest(batch: readonly ObservationInput[]): Promise<IngestResult> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("disk on fire");
    }
    this.calls.push([...batch]);
    return {
      rows: batch.map((o) => {
        const firstSeen = !this.seen.has(o.hash);
        this.seen.add(o.hash);
        return { id: this.nextId++, firstSeen };
      }),
    };
  }
}

const decode = (raw: Uint8Array): DecodedFields => ({
  hash: Buffer.from(raw).toString("hex").padEnd(16, "0").slice(0, 16),
  payloadType: raw[0] === 0xff ? -1 : 4,
  route: 1,
  version: 0,
  hashSize: 1,
  hops: [],
  error: raw[0] === 0xff ? "E_TRUNCATED" : null,
  summary: "test",
});

function rx(bytes: number[], at = 1_700_000_000_000) {
  return { radioId: "r1", raw: Uint8Array.from(bytes), snr: 5.25, rssi: -90, at };
}

describe("Ingest", () => {
  it("batches receptions into the store and emits packet events with ids and firstSeen", async () => {
    const bus = new Bus();
    const store = new FakeStore();
    const ingest = new Ingest({ bus, store, decode, log: silentLogger(), batchMs: 5 });
    const items: StoredPacket[] = [];
    bus.on("packet", (p) => items.push(p));
    await ingest.start();
    bus.emit("rx", rx([1, 2, 3]));
    bus.emit("rx", rx([1, 2, 3]));
    bus.emit("rx", rx([0xff]));
    await ingest.stop();
    expect(store.calls).toHaveLength(1);
    expect(items.map((i) => i.id)).toEqual([1, 2, 3]);
    expect(items.map((i) => i.firstSeen)).toEqual([true, false, true]);
    // The domain record: bytes and numbers, formatted only at the edges.
    expect(items[0]).toMatchObject({
      raw: Uint8Array.from([1, 2, 3]),
      payloadType: 4,
      route: 1,
      snr: 5.25,
      rssi: -90,
      radioId: "r1",
      at: 1_700_000_000_000,
    });
    expect(items[2]!.payloadType).toBe(-1);
    expect(ingest.counters).toMatchObject({
      received: 3,
      stored: 3,
      decodeErrors: 1,
      transmissions: 2,
    });
  });

  it("keeps a rejected batch and retries it, losing nothing", async () => {
    const bus = new Bus();
    const store = new FakeStore();
    store.failNext = 2;
    const ingest = new Ingest({ bus, store, decode, log: silentLogger(), batchMs: 1 });
    await ingest.start();
    for (let i = 0; i < 10; i++) bus.emit("rx", rx([i, 1]));
    await new Promise((r) => setTimeout(r, 600));
    await ingest.stop();
    const stored = store.calls.flat();
    expect(stored).toHaveLength(10);
    expect(ingest.counters.storeErrors).toBe(2);
    expect(stored.map((o) => o.raw[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("bounds its queue while the store is down and counts what it drops", async () => {
    const bus = new Bus();
    const store = new FakeStore();
    store.failNext = 1_000;
    const ingest = new Ingest({
      bus,
      store,
      decode,
      log: silentLogger(),
      maxQueue: 50,
      batchMs: 1,
    });
    await ingest.start();
    for (let i = 0; i < 200; i++) ingest.push(rx([i & 0xff, 2]));
    expect(ingest.queueDepth()).toBe(50);
    expect(ingest.counters.dropped).toBe(150);
    store.failNext = 0;
    await ingest.stop();
    // The newest 50 survive, in order.
    expect(store.calls.flat().map((o) => o.raw[0])).toEqual(
      Array.from({ length: 50 }, (_, i) => 150 + i),
    );
  });

  it("isolates a throwing packet subscriber", async () => {
    const bus = new Bus();
    const ingest = new Ingest({
      bus,
      store: new FakeStore(),
      decode,
      log: silentLogger(),
      batchMs: 1,
    });
    bus.on("packet", () => {
      throw new Error("listener bug");
    });
    const items: StoredPacket[] = [];
    bus.on("packet", (p) => items.push(p));
    await ingest.start();
    bus.emit("rx", rx([7]));
    await ingest.stop();
    expect(items).toHaveLength(1);
    expect(bus.handlerErrors).toBe(1);
  });
});
