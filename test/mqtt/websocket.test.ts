/**
 * `ws://` brokers (LetsMesh and others listen on WebSockets): the same link
 * over a WebSocket, against aedes behind a `ws` server on loopback.
 */
import type { AddressInfo } from "node:net";
import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { createWebSocketStream, WebSocketServer } from "ws";
import { Bus } from "../../daemon/core/bus.ts";
import { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { makePacket, RADIO_KEY, uplinkDeps } from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { until } from "../support/wait.ts";

describe("WebSocket brokers", () => {
  const cleanup = cleanupsAfterEach();

  it("publishes packets over ws:// with the path kept", async () => {
    const aedes = await Aedes.createBroker();
    cleanup.push(() => new Promise<void>((r) => aedes.close(() => r())));
    const paths: string[] = [];
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    wss.on("connection", (ws, req) => {
      paths.push(req.url ?? "");
      aedes.handle(createWebSocketStream(ws));
    });
    await new Promise<void>((r) => wss.once("listening", () => r()));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    const port = (wss.address() as AddressInfo).port;
    const seen: { topic: string; payload: string }[] = [];
    aedes.on("publish", (packet, client) => {
      if (client) seen.push({ topic: packet.topic, payload: packet.payload.toString() });
    });

    const bus = new Bus();
    const outbox = new MemoryOutbox();
    const uplink = new MqttUplink(
      uplinkDeps(
        [{ id: "ws", url: `ws://127.0.0.1:${port}/mqtt`, feeds: ["packets"] }],
        outbox,
        bus,
      ),
    );
    cleanup.push(() => uplink.stop());
    await uplink.start();
    for (let i = 0; i < 10; i++) bus.emit("packet", makePacket(i));
    await until(() => outbox.size === 0 && seen.length === 10, 10_000, "delivered over ws");
    expect(paths[0]).toBe("/mqtt");
    expect(seen.every((s) => s.topic === `meshcore/SFO/${RADIO_KEY}/packets`)).toBe(true);
    expect(seen.map((s) => JSON.parse(s.payload).hash)).toEqual(
      Array.from({ length: 10 }, (_, i) => makePacket(i).hash.toUpperCase()),
    );
  });
});
