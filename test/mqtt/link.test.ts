/**
 * Broker link behaviour against a scripted broker: the in-flight window, the
 * resend after a dropped connection, half-open detection, refused logins,
 * the will and the clean "offline" at stop, token renewal, poison messages.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import type { BrokerConfig } from "../../daemon/mqtt/config.ts";
import { parseToken } from "../../daemon/mqtt/token.ts";
import type { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import { verify } from "../../daemon/protocol/crypto.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import {
  makePacket,
  RADIO_IDENTITY,
  RADIO_KEY,
  radioInfo,
  radiosPort,
  testSigner,
} from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { listeningBroker, testUplink } from "../support/mqtt/uplink.ts";
import { until } from "../support/wait.ts";

const cleanup = cleanupsAfterEach();

async function setup(over: Partial<BrokerConfig> = {}, radios = radiosPort()) {
  const broker = await listeningBroker(cleanup);
  const outbox = new MemoryOutbox();
  const bus = new Bus();
  const events: { broker: string; state: string }[] = [];
  bus.on("mqtt", (e) => events.push(e));
  const uplink = testUplink(cleanup, {
    brokers: [
      {
        id: "b1",
        url: broker.url,
        feeds: ["packets"],
        backoffMinMs: 50,
        backoffMaxMs: 200,
        ...over,
      },
    ],
    gateway: { name: "gw", iata: "SEA", lat: null, lon: null },
    outbox,
    bus,
    radios,
    signer: (id) => (id === "r1" ? testSigner : null),
  });
  const packetsSeen = () =>
    broker.publishes
      .filter((p) => p.topic.endsWith("/packets"))
      .map((p) => (JSON.parse(p.payload) as { hash: string }).hash);
  return { broker, outbox, bus, uplink, events, packetsSeen };
}

type Rig = Awaited<ReturnType<typeof setup>>;
const hashOf = (i: number) => makePacket(i).hash.toUpperCase();

/** Starts the uplink and waits until its broker link is connected. */
async function connected(uplink: MqttUplink): Promise<void> {
  await uplink.start();
  await until(() => uplink.status()[0]?.state === "connected", 5000, "connected");
}

/**
 * With the broker holding its acks: connects, sends packets 0..n-1 and waits
 * until `window` of them sit unacknowledged at the broker.
 */
async function fillWindow(rig: Rig, n: number, window: number): Promise<void> {
  rig.broker.autoAck = false;
  await connected(rig.uplink);
  for (let i = 0; i < n; i++) rig.bus.emit("packet", makePacket(i));
  await until(() => rig.broker.heldCount === window, 5000, "window full");
}

describe("BrokerLink", () => {
  it("keeps at most `inflight` messages unacknowledged and sends in order", async () => {
    const rig = await setup({ inflight: 8 });
    const { broker, outbox, uplink, packetsSeen } = rig;
    await fillWindow(rig, 50, 8);
    await new Promise((r) => setTimeout(r, 100));
    expect(broker.heldCount).toBe(8); // no more than the window
    expect(uplink.status()[0]?.inflight).toBe(8);
    while (packetsSeen().length < 50) {
      broker.release();
      await new Promise((r) => setTimeout(r, 20));
      expect(broker.heldCount).toBeLessThanOrEqual(8);
    }
    broker.release();
    await until(() => outbox.size === 0, 5000, "outbox drained");
    expect(packetsSeen()).toEqual(Array.from({ length: 50 }, (_, i) => hashOf(i)));
  });

  it("resends unacknowledged messages, oldest first, after the connection drops", async () => {
    const rig = await setup({ inflight: 4 });
    const { broker, outbox, uplink, packetsSeen } = rig;
    await fillWindow(rig, 10, 4);
    broker.autoAck = true;
    broker.dropAll();
    await until(() => outbox.size === 0, 5000, "outbox drained");
    const seen = packetsSeen();
    // First connection: 0..3 unacked; second: 0..9 in order (at-least-once).
    expect(seen.slice(0, 4)).toEqual([0, 1, 2, 3].map(hashOf));
    expect(seen.slice(4)).toEqual(Array.from({ length: 10 }, (_, i) => hashOf(i)));
    expect(uplink.status()[0]?.counters.disconnects).toBe(1);
  });

  it("detects a half-open connection (no ping response) and reconnects", async () => {
    const { broker, outbox, bus, uplink, events } = await setup({ keepaliveSec: 1 });
    await connected(uplink);
    broker.answerPings = false;
    broker.autoAck = false;
    bus.emit("packet", makePacket(1));
    await until(
      () => (uplink.status()[0]?.counters.disconnects ?? 0) >= 1,
      10_000,
      "keepalive timeout",
    );
    broker.answerPings = true;
    broker.autoAck = true;
    await until(() => outbox.size === 0, 10_000, "delivered after reconnect");
    expect(broker.connects.length).toBeGreaterThanOrEqual(2);
    const states = events.map((e) => e.state);
    expect(states).toContain("backoff");
    expect(states.lastIndexOf("connected")).toBeGreaterThan(states.indexOf("backoff"));
  });

  it("backs off while the broker refuses the login and reports why", async () => {
    const { broker, uplink } = await setup({
      auth: { type: "password", username: "u", password: "wrong" },
    });
    broker.authenticate = (c) => (c.password?.toString() === "right" ? 0 : 5);
    await uplink.start();
    await until(() => (uplink.status()[0]?.counters.attempts ?? 0) >= 3, 5000, "retries");
    const st = uplink.status()[0];
    expect(st?.state).not.toBe("connected");
    expect(st?.counters.connects).toBe(0);
    expect(st?.lastError).toMatch(/authori|refused|Not/i);
    expect(broker.connects.every((c) => c.username === "u")).toBe(true);
    expect(JSON.stringify(st)).not.toContain("wrong"); // the password is never shown
  });

  it("sets the retained offline status as will, publishes online on connect and offline at stop", async () => {
    const { broker, uplink } = await setup({ feeds: ["packets", "status"] });
    await uplink.start();
    const topic = `meshcore/SEA/${RADIO_KEY}/status`;
    await until(() => broker.publishes.some((p) => p.topic === topic), 5000, "online status");
    const will = broker.connects[0]?.will;
    expect(will?.topic).toBe(topic);
    expect(will?.retain).toBe(true);
    expect(JSON.parse(String(will?.payload)).status).toBe("offline");
    const online = broker.publishes.find((p) => p.topic === topic);
    expect(online?.retain).toBe(true);
    expect(JSON.parse(online?.payload ?? "{}")).toMatchObject({
      status: "online",
      origin_id: RADIO_KEY,
      radio: "910.525,62.5,7,5",
      client_version: "meshgate/0.1.0",
    });
    await uplink.stop();
    const last = broker.publishes.filter((p) => p.topic === topic).at(-1);
    expect(JSON.parse(last?.payload ?? "{}").status).toBe("offline");
    expect(broker.disconnects).toContain(0); // a clean DISCONNECT: the broker will not fire the will
  });

  it("logs in with a token signed by the radio key and renews it before expiry", async () => {
    const { broker, bus, uplink, outbox, packetsSeen } = await setup({
      auth: { type: "token", ttlSec: 4, renewBeforeSec: 2, audience: "broker.test" },
    });
    const nowSec = () => Math.floor(Date.now() / 1000);
    broker.authenticate = (c) => {
      const t = parseToken(c.password?.toString() ?? "");
      if (!t || c.username !== `v1_${t.claims.publicKey}`) return 4;
      const ok = verify(
        RADIO_IDENTITY.publicKey,
        new TextEncoder().encode(t.signingInput),
        t.signature,
      );
      return ok && t.claims.exp > nowSec() && t.claims.aud === "broker.test" ? 0 : 5;
    };
    await uplink.start();
    bus.emit("packet", makePacket(1));
    await until(() => broker.connects.length >= 2, 10_000, "reconnect with a fresh token");
    bus.emit("packet", makePacket(2));
    await until(() => packetsSeen().length === 2 && outbox.size === 0, 10_000, "delivered");
    const [c1, c2] = broker.connects;
    expect(c1?.password?.toString()).not.toBe(c2?.password?.toString());
    const t1 = parseToken(c1?.password?.toString() ?? "");
    const t2 = parseToken(c2?.password?.toString() ?? "");
    expect(t2?.claims.iat).toBeGreaterThan(t1?.claims.iat ?? Infinity);
    expect(broker.disconnects).toContain(0); // first connection closed cleanly for the renewal
    expect(uplink.status()[0]?.counters.renewals).toBeGreaterThanOrEqual(1);
    expect(uplink.status()[0]?.counters.connects).toBeGreaterThanOrEqual(2);
    expect(packetsSeen()).toEqual([hashOf(1), hashOf(2)]);
  }, 20_000);

  it("drops a message that is never acknowledged after five connections", async () => {
    const { broker, bus, uplink, outbox } = await setup({ inflight: 1 });
    broker.autoAck = false;
    await uplink.start();
    bus.emit("packet", makePacket(1));
    bus.emit("packet", makePacket(2));
    for (let n = 1; n <= 5; n++) {
      await until(() => broker.heldCount === 1, 5000, `send ${n}`);
      broker.dropAll();
      await until(() => broker.heldCount === 0, 5000, "dropped");
    }
    broker.autoAck = true;
    await until(() => outbox.size === 0, 5000, "drained");
    expect(uplink.status()[0]?.counters.poisoned).toBe(1);
    const delivered = broker.publishes
      .filter((p) => p.topic.endsWith("/packets"))
      .map((p) => JSON.parse(p.payload).hash);
    expect(delivered.filter((h) => h === hashOf(1))).toHaveLength(5);
    expect(delivered.at(-1)).toBe(hashOf(2));
  }, 20_000);

  it("sends a token broker only the logged-in radio's packets and status", async () => {
    const other = radioInfo({ publicKey: "AB".repeat(32), name: "second radio" });
    const two = {
      get: (id: string) => (id === "r1" ? radioInfo() : id === "r2" ? other : null),
      list: () => ["r2", "r1"],
    };
    const { broker, bus, uplink, outbox } = await setup(
      { auth: { type: "token", radio: "r1" }, feeds: ["packets", "status"] },
      two,
    );
    await uplink.start();
    await until(() => uplink.status()[0]?.connected === true, 5000, "connected");
    bus.emit("packet", makePacket(1, "r2"));
    bus.emit("packet", makePacket(2, "r1"));
    await until(
      () => outbox.size === 0 && broker.publishes.some((p) => p.topic.endsWith("/packets")),
      5000,
      "sent",
    );
    expect(broker.connects[0]?.username).toBe(`v1_${RADIO_KEY}`);
    expect(broker.publishes.every((p) => p.topic.includes(RADIO_KEY))).toBe(true);
    expect(broker.publishes.filter((p) => p.topic.endsWith("/packets"))).toHaveLength(1);
    expect(broker.publishes.filter((p) => p.topic.endsWith("/status"))).toHaveLength(1);
    expect(uplink.status()[0]?.counters.published).toBe(1); // outbox sends: the one packet
  });

  it("counts a malformed packet item instead of throwing at the bus", async () => {
    const { broker, bus, uplink, outbox, packetsSeen } = await setup();
    await uplink.start();
    bus.emit("packet", { ...makePacket(1), at: Number.NaN });
    bus.emit("packet", makePacket(2));
    await until(() => packetsSeen().length === 1 && outbox.size === 0, 5000, "good one sent");
    expect(bus.handlerErrors).toBe(0);
    expect(uplink.counters.rejected).toBe(1);
    expect(packetsSeen()).toEqual([hashOf(2)]);
    expect(broker.connects).toHaveLength(1);
  });
});

describe("the packet writer's number cache", () => {
  it("stays empty while a link publishes: no 65,536 buffers in the heap", async () => {
    // The module mqtt.js writes with (CommonJS: one instance per process).
    const { cache } = createRequire(import.meta.url)("mqtt-packet/numbers.js") as {
      cache: Record<number, unknown>;
    };
    const rig = await setup();
    await connected(rig.uplink);
    for (let i = 0; i < 3; i++) rig.bus.emit("packet", makePacket(i));
    // QoS 1 publishes carry packet ids, which the writer writes from the cache when it has one.
    await until(() => rig.packetsSeen().length === 3, 5000, "published");
    expect(Object.keys(cache)).toHaveLength(0);
  });
});
