/**
 * Outage behaviour against a real mosquitto: a frozen broker (SIGSTOP keeps
 * the TCP connection open but nothing answers) is detected by the keepalive
 * and left for a new connection; when a bounded outbox drops its oldest
 * messages during a long outage, status() shows how many.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import type { BrokerConfig } from "../../daemon/mqtt/config.ts";
import { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { MOSQUITTO, Mosquitto } from "../support/mosquitto.ts";
import { Collector, makePacket, uplinkDeps } from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { until } from "../support/wait.ts";

if (!MOSQUITTO)
  console.warn("mosquitto binary not found (apt install mosquitto): outage tests skipped");

describe.skipIf(!MOSQUITTO)("outages against mosquitto", () => {
  const cleanup = cleanupsAfterEach();

  function uplink(cfg: Partial<BrokerConfig> & { url: string }, outbox: MemoryOutbox, bus: Bus) {
    const events: string[] = [];
    bus.on("mqtt", (e) => events.push(e.state));
    const u = new MqttUplink(
      uplinkDeps(
        [{ id: "m", feeds: ["packets"], backoffMinMs: 100, backoffMaxMs: 300, ...cfg }],
        outbox,
        bus,
        {
          gateway: { name: "gw", iata: "PDX", lat: null, lon: null },
        },
      ),
    );
    cleanup.push(() => u.stop());
    return { u, events };
  }

  it("reconnects after a half-open connection and delivers what queued meanwhile", async () => {
    const broker = await Mosquitto.create();
    await broker.start();
    cleanup.push(() => broker.stop());
    cleanup.push(() => broker.resume());
    const sub = await Collector.connect(broker.url, ["meshcore/#"], { keepalive: 0 });
    cleanup.push(() => sub.close());
    const outbox = new MemoryOutbox();
    const bus = new Bus();
    const { u, events } = uplink(
      { url: broker.url, keepaliveSec: 1, connectTimeoutSec: 1 },
      outbox,
      bus,
    );
    await u.start();
    await until(() => u.status()[0]?.connected === true, 5000, "connected");
    bus.emit("packet", makePacket(0));
    await sub.waitFor((m) => m.length === 1, 5000);

    broker.pause();
    for (let i = 1; i <= 20; i++) bus.emit("packet", makePacket(i));
    await until(
      () => (u.status()[0]?.counters.disconnects ?? 0) >= 1,
      15_000,
      "half-open detected",
    );
    expect(u.status()[0]?.connected).toBe(false);
    broker.resume();
    await until(() => outbox.size === 0, 20_000, "drained after resume");
    await sub.waitFor((m) => new Set(m.map((x) => JSON.parse(x.payload).hash)).size === 21, 10_000);
    expect(events).toContain("backoff");
    expect(events.at(-1)).toBe("connected");
  }, 40_000);

  it("counts what a bounded outbox drops during a long outage and shows it in status()", async () => {
    const broker = await Mosquitto.create();
    cleanup.push(() => broker.stop());
    const outbox = new MemoryOutbox({ maxMessages: 100 });
    const bus = new Bus();
    const { u } = uplink({ url: broker.url }, outbox, bus);
    await u.start();
    for (let i = 0; i < 300; i++) bus.emit("packet", makePacket(i));
    await until(
      () => u.status()[0]?.outboxDropped === 200 && u.status()[0]?.depth === 100,
      10_000,
      "stats",
    );
    expect(u.status()[0]?.connected).toBe(false);
    await broker.start();
    await until(() => outbox.size === 0, 10_000, "drained");
    await until(() => u.status()[0]?.depth === 0, 10_000, "depth refreshed");
    expect(u.status()[0]?.counters.acked).toBe(100);
  }, 30_000);

  it("returns within a probe of the broker's return, not at the end of a long backoff", async () => {
    const broker = await Mosquitto.create();
    await broker.start();
    cleanup.push(() => broker.stop());
    const outbox = new MemoryOutbox();
    const bus = new Bus();
    // Every retry waits 30-60 s: only the TCP probe can bring the link back
    // within this test's bound.
    const { u } = uplink(
      { url: broker.url, backoffMinMs: 60_000, backoffMaxMs: 60_000, connectTimeoutSec: 1 },
      outbox,
      bus,
    );
    await u.start();
    await until(() => u.status()[0]?.connected === true, 5000, "connected");
    await broker.stop();
    await until(() => u.status()[0]?.state === "backoff", 5000, "backoff");
    const attempts = u.status()[0]!.counters.attempts;
    // Down for a few probes: probes only, no MQTT connection attempts.
    await until(() => (u.status()[0]?.counters.probes ?? 0) >= 2, 10_000, "probing");
    expect(u.status()[0]!.counters.attempts).toBe(attempts);
    await broker.start();
    bus.emit("packet", makePacket(1));
    await until(() => u.status()[0]?.connected === true, 15_000, "back on the broker's return");
    await until(() => outbox.size === 0, 5000, "delivered");
    expect(u.status()[0]!.counters.attempts).toBe(attempts + 1);
  }, 40_000);

  it("keeps the full backoff while the broker's port answers but MQTT fails", async () => {
    // Reachable but no broker: every connection is closed at once.
    const server = createServer((sock) => sock.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const { u } = uplink(
      { url: `mqtt://127.0.0.1:${port}`, backoffMinMs: 60_000, backoffMaxMs: 60_000 },
      new MemoryOutbox(),
      new Bus(),
    );
    await u.start();
    await until(() => (u.status()[0]?.counters.probes ?? 0) >= 3, 15_000, "probing");
    // Reachable all along: the probes never trigger another CONNECT.
    expect(u.status()[0]!.counters.attempts).toBe(1);
  }, 30_000);
});
