/**
 * MQTT uplink bench against a real mosquitto on loopback. Prints a markdown
 * table:
 *  - packet-to-broker latency (bus `packet` event to a subscriber's receipt)
 *    at a steady rate, p50 / p99;
 *  - outbox drain rate after an outage: N packets queued while the broker is
 *    down, then the time from broker start until a subscriber has them all.
 * Each with the real store (sql.js worker, journal on disk) and with an
 * in-memory outbox, to separate the store's share from the link's.
 *
 * Run: node --import tsx bench/mqtt.ts [--rate 20] [--count 300] [--backlog 5000] [--inflight 64]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Bus } from "../daemon/core/bus.ts";
import { silentLogger } from "../daemon/core/log.ts";
import type { OutboxPort } from "../daemon/mqtt/ports.ts";
import { MqttUplink } from "../daemon/mqtt/uplink.ts";
import { createStore } from "../daemon/store/store.ts";
import { MOSQUITTO, Mosquitto } from "../test/support/mosquitto.ts";
import { Collector, makePacket, radiosPort } from "../test/support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../test/support/mqtt/outbox.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    count: { type: "string", default: "300" },
    backlog: { type: "string", default: "5000" },
    inflight: { type: "string", default: "64" },
  },
});
const RATE = Number(values.rate);
const COUNT = Number(values.count);
const BACKLOG = Number(values.backlog);
const INFLIGHT = Number(values.inflight);

interface Outbox {
  readonly port: OutboxPort;
  close(): Promise<void>;
}

async function realStore(): Promise<Outbox> {
  const store = createStore({
    dataDir: mkdtempSync(join(tmpdir(), "meshgate-bench-")),
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 0.5,
    maxDbMB: 64,
    maxAgeDays: 30,
    log: silentLogger(),
  });
  await store.start();
  return { port: store, close: () => store.stop() };
}

async function memory(): Promise<Outbox> {
  return { port: new MemoryOutbox(), close: async () => {} };
}

function uplinkFor(url: string, outbox: OutboxPort, bus: Bus): MqttUplink {
  return new MqttUplink({
    brokers: [
      {
        id: "bench",
        url,
        feeds: ["packets"],
        backoffMinMs: 100,
        backoffMaxMs: 200,
        inflight: INFLIGHT,
      },
    ],
    gateway: { name: "bench", iata: "SFO", lat: null, lon: null },
    outbox,
    bus,
    log: silentLogger(),
    version: "bench",
    radios: radiosPort(),
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitUntil(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function latency(make: () => Promise<Outbox>): Promise<{ p50: number; p99: number }> {
  const broker = await Mosquitto.create();
  await broker.start();
  const outbox = await make();
  const bus = new Bus();
  const up = uplinkFor(broker.url, outbox.port, bus);
  const sub = await Collector.connect(broker.url, ["meshcore/#"]);
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  sub.client.on("message", (_t, payload) => {
    const h = (JSON.parse(payload.toString()) as { hash: string }).hash;
    const t0 = sentAt.get(h);
    if (t0 !== undefined) lat.push(performance.now() - t0);
  });
  await up.start();
  await waitUntil(() => up.status()[0]?.connected === true, 10_000);
  for (let i = 0; i < COUNT; i++) {
    const p = makePacket(i);
    sentAt.set(p.hash.toUpperCase(), performance.now());
    bus.emit("packet", p);
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  await waitUntil(() => lat.length >= COUNT, 30_000);
  await up.stop();
  await sub.close();
  await outbox.close();
  await broker.stop();
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function drain(make: () => Promise<Outbox>): Promise<{ seconds: number; perSec: number }> {
  const broker = await Mosquitto.create({ persist: true });
  await broker.start();
  const pre = await Collector.connect(broker.url, ["meshcore/#"], {
    clientId: "bench-sub",
    clean: false,
  });
  await pre.close();
  await broker.stop();
  const outbox = await make();
  const bus = new Bus();
  const up = uplinkFor(broker.url, outbox.port, bus);
  await up.start();
  for (let i = 0; i < BACKLOG; i++) bus.emit("packet", makePacket(i));
  // Let the enqueue land before the broker returns.
  let depth = 0;
  while (depth < BACKLOG) {
    await new Promise((r) => setTimeout(r, 100));
    depth = (await outbox.port.outboxStats()).depth.bench ?? 0;
  }
  const t0 = performance.now();
  await broker.start();
  const sub = await Collector.connect(broker.url, ["meshcore/#"], {
    clientId: "bench-sub",
    clean: false,
  });
  await waitUntil(() => sub.messages.length >= BACKLOG, 300_000);
  const seconds = (performance.now() - t0) / 1000;
  await up.stop();
  await sub.close();
  await outbox.close();
  await broker.stop();
  return { seconds, perSec: BACKLOG / seconds };
}

async function main(): Promise<void> {
  if (!MOSQUITTO) {
    console.log("mosquitto not installed: nothing to measure");
    return;
  }
  const rows: string[] = [];
  for (const [name, make] of [
    ["real store", realStore],
    ["memory outbox", memory],
  ] as const) {
    const l = await latency(make);
    const d = await drain(make);
    rows.push(
      `| ${name} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${d.seconds.toFixed(2)} | ${Math.round(d.perSec)} |`,
    );
  }
  console.log(`\nMQTT uplink, mosquitto on loopback, Node ${process.version}`);
  console.log(
    `latency: ${COUNT} packets at ${RATE}/s; drain: ${BACKLOG} packets queued during an outage; in-flight window ${INFLIGHT}\n`,
  );
  console.log("| outbox | latency p50 ms | latency p99 ms | drain s | drain msg/s |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

await main();
