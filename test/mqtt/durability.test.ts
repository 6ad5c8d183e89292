/**
 * The outbox loses nothing: 1,000 packets arrive while the broker is down,
 * the daemon "restarts" half-way (uplink and store stopped, new instances
 * over the same data directory),
 * the broker comes back, and a subscriber gets every packet message once, in
 * order. Runs against a real mosquitto, plain and over TLS.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { BrokerConfig } from "../../daemon/mqtt/config.ts";
import { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import type { StoreApi } from "../../daemon/store/api.ts";
import { createStore } from "../../daemon/store/store.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { MOSQUITTO, Mosquitto, OPENSSL } from "../support/mosquitto.ts";
import { Collector, makePacket, RADIO_KEY, radiosPort } from "../support/mqtt/fixtures.ts";
import { until } from "../support/wait.ts";

if (!MOSQUITTO)
  console.warn("mosquitto binary not found (apt install mosquitto): durability tests skipped");

const TOTAL = 1000;
const HALF = 500;

describe.skipIf(!MOSQUITTO)("outbox durability against mosquitto", () => {
  const cleanup = cleanupsAfterEach();

  async function scenario(tls: boolean): Promise<void> {
    const broker = await Mosquitto.create({ tls, persist: true });
    cleanup.push(() => broker.stop());
    const subOpts = {
      clientId: "collector",
      clean: false,
      ...(broker.tls ? { ca: readFileSync(broker.tls.ca) } : {}),
    };
    // The subscriber's session exists before the outage (mosquitto keeps it across the restart).
    await broker.start();
    const first = await Collector.connect(broker.url, ["meshcore/#"], subOpts);
    await first.close();
    await broker.stop();

    const dataDir = mkdtempSync(join(tmpdir(), "meshgate-outbox-"));
    const openStore = async () => {
      const store = createStore({
        dataDir,
        fsyncIntervalMs: 1000,
        snapshotJournalRatio: 0.5,
        maxDbMB: 64,
        maxAgeDays: 30,
        log: silentLogger(),
      });
      await store.start();
      return store;
    };
    const depth = async (s: StoreApi) => (await s.outboxStats()).depth.region ?? 0;
    let depthNow = 0;
    const watchDepth = (s: StoreApi) => {
      const t = setInterval(() => void depth(s).then((d) => (depthNow = d)), 100);
      return () => clearInterval(t);
    };
    const cfg: BrokerConfig = {
      id: "region",
      url: broker.url,
      feeds: ["packets"],
      backoffMinMs: 100,
      backoffMaxMs: 400,
      keepaliveSec: 5,
      ...(broker.tls ? { tls: { ca: broker.tls.ca } } : {}),
    };
    const make = (outbox: StoreApi, bus: Bus) =>
      new MqttUplink({
        brokers: [cfg],
        gateway: { name: "gw-test", iata: "SFO", lat: null, lon: null },
        outbox,
        bus,
        log: silentLogger(),
        version: "0.1.0-test",
        radios: radiosPort(),
      });

    // First life: half the packets, broker down.
    const storeA = await openStore();
    const busA = new Bus();
    const a = make(storeA, busA);
    await a.start();
    for (let i = 0; i < HALF; i++) busA.emit("packet", makePacket(i));
    let unwatch = watchDepth(storeA);
    await until(() => depthNow === HALF, 10_000, "first half in the outbox");
    unwatch();
    expect(a.status()[0]?.state).not.toBe("connected");
    await a.stop();
    await storeA.stop();

    // Second life: new store and uplink over the same data directory.
    const storeB = await openStore();
    cleanup.push(() => storeB.stop());
    expect(await depth(storeB)).toBe(HALF);
    const busB = new Bus();
    const b = make(storeB, busB);
    cleanup.push(() => b.stop());
    await b.start();
    for (let i = HALF; i < TOTAL; i++) busB.emit("packet", makePacket(i));
    unwatch = watchDepth(storeB);
    cleanup.push(async () => unwatch());
    await until(() => depthNow === TOTAL, 10_000, "all packets in the outbox");

    // The broker comes back.
    await broker.start();
    await until(() => b.status()[0]?.state === "connected", 15_000, "uplink connected");
    await until(() => depthNow === 0, 30_000, "outbox drained");
    const sub = await Collector.connect(broker.url, ["meshcore/#"], subOpts);
    cleanup.push(() => sub.close());
    await sub.waitFor((m) => m.length >= TOTAL, 30_000);
    // Nothing more trickles in after the last one.
    await new Promise((r) => setTimeout(r, 300));

    const topic = `meshcore/SFO/${RADIO_KEY}/packets`;
    expect(sub.messages.every((m) => m.topic === topic)).toBe(true);
    const hashes = sub.messages.map((m) => (JSON.parse(m.payload) as { hash: string }).hash);
    const expected = Array.from({ length: TOTAL }, (_, i) => makePacket(i).hash.toUpperCase());
    expect(new Set(hashes).size).toBe(TOTAL); // each exactly once
    expect(hashes).toEqual(expected); // and in order
    const st = b.status()[0];
    expect(st?.counters.acked).toBe(TOTAL);
    expect(st?.counters.poisoned).toBe(0);
  }

  it("delivers 1,000 packets once each, in order, across an outage and a restart", async () => {
    await scenario(false);
  }, 90_000);

  it.skipIf(!OPENSSL)(
    "does the same over TLS with a self-signed CA",
    async () => {
      await scenario(true);
    },
    90_000,
  );
});
