/**
 * TLS options against mosquitto with a throwaway CA: mutual TLS with a
 * client certificate, a server the CA does not vouch for (refused and
 * reported), and `rejectUnauthorized: false` for test setups.
 */
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import type { BrokerTls } from "../../daemon/mqtt/config.ts";
import { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { MOSQUITTO, Mosquitto, OPENSSL } from "../support/mosquitto.ts";
import { makePacket, uplinkDeps } from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { until } from "../support/wait.ts";

describe.skipIf(!MOSQUITTO || !OPENSSL)("TLS against mosquitto", () => {
  const cleanup = cleanupsAfterEach();

  async function run(broker: Mosquitto, tls: BrokerTls) {
    const outbox = new MemoryOutbox();
    const bus = new Bus();
    const u = new MqttUplink(
      uplinkDeps(
        [
          {
            id: "t",
            url: broker.url,
            tls,
            feeds: ["packets"],
            backoffMinMs: 100,
            backoffMaxMs: 200,
          },
        ],
        outbox,
        bus,
      ),
    );
    cleanup.push(() => u.stop());
    await u.start();
    bus.emit("packet", makePacket(1));
    return { u, outbox };
  }

  it("connects with a client certificate when the broker requires one", async () => {
    const broker = await Mosquitto.create({ tls: true, requireClientCert: true });
    await broker.start();
    cleanup.push(() => broker.stop());
    const files = broker.tls;
    if (!files) throw new Error("no tls files");
    const { u, outbox } = await run(broker, {
      ca: files.ca,
      cert: files.clientCert,
      key: files.clientKey,
    });
    await until(
      () => outbox.size === 0 && u.status()[0]?.counters.acked === 1,
      10_000,
      "delivered",
    );
    expect(u.status()[0]?.connected).toBe(true);
  });

  it("refuses a server its CA does not vouch for, and says why", async () => {
    const broker = await Mosquitto.create({ tls: true });
    await broker.start();
    cleanup.push(() => broker.stop());
    const { u, outbox } = await run(broker, {});
    await until(() => (u.status()[0]?.counters.attempts ?? 0) >= 2, 10_000, "retries");
    expect(u.status()[0]?.counters.connects).toBe(0);
    expect(u.status()[0]?.lastError).toMatch(/certificate/i);
    expect(outbox.size).toBe(1); // kept for when it works
  });

  it("connects without verification when rejectUnauthorized is false", async () => {
    const broker = await Mosquitto.create({ tls: true });
    await broker.start();
    cleanup.push(() => broker.stop());
    const { u, outbox } = await run(broker, { rejectUnauthorized: false });
    await until(
      () => outbox.size === 0 && u.status()[0]?.counters.acked === 1,
      10_000,
      "delivered",
    );
  });

  it("reports a missing CA file as the connection error", async () => {
    const broker = await Mosquitto.create({ tls: true });
    cleanup.push(() => broker.stop());
    const { u } = await run(broker, { ca: "/nonexistent/ca.pem" });
    await until(() => u.status()[0]?.state === "backoff", 5000, "backoff");
    expect(u.status()[0]?.lastError).toMatch(/ENOENT/);
  });
});
