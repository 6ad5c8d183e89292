/**
 * /ws on both engines: topic and payload-type subscriptions, hostile client
 * messages, and backpressure with a client that stops reading.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { PacketItem } from "../../daemon/core/types.ts";
import type { WsHubStats } from "../../daemon/http/ws-hub.ts";
import { radioStatus } from "../support/http/providers.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";

type Msg = { type: string; data?: PacketItem & { id: string }; [k: string]: unknown };

function packet(id: number, payloadType = "GRP_TXT", pad = 0): PacketItem {
  return {
    id,
    hash: id.toString(16).padStart(16, "0"),
    raw: "15".repeat(100),
    receivedAt: new Date(1_700_000_000_000 + id).toISOString(),
    radioId: "r1",
    payloadType,
    route: "FLOOD",
    snr: 1,
    rssi: -100,
    hashSize: 1,
    hops: ["aa"],
    firstSeen: true,
    summary: `#test: message ${id} ${"x".repeat(pad)}`,
    error: null,
  };
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function client(port: number): Promise<{ ws: WebSocket; msgs: Msg[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const msgs: Msg[] = [];
  ws.on("message", (m) => msgs.push(JSON.parse(m.toString()) as Msg));
  await new Promise((r) => ws.once("open", r));
  await waitFor(() => msgs.some((m) => m.type === "hello"));
  return { ws, msgs };
}

async function wsStats(t: TestServer): Promise<WsHubStats> {
  return ((await (await fetch(`${t.base}/api/stats`)).json()) as { ws: WsHubStats }).ws;
}

/** A WebSocket client on a bare socket that can stop reading at will. */
async function stallingClient(port: number): Promise<Socket> {
  const s = connect(port, "127.0.0.1");
  await new Promise((r) => s.once("connect", r));
  const key = randomBytes(16).toString("base64");
  s.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let head = "";
  await new Promise<void>((resolve) => {
    const onData = (c: Buffer) => {
      head += c.toString("latin1");
      if (head.includes("\r\n\r\n")) {
        s.off("data", onData);
        resolve();
      }
    };
    s.on("data", onData);
  });
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  s.pause(); // From here on the client never reads: the kernel buffers fill up.
  return s;
}

describe.each(ENGINES)("/ws on %s", (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(engine, { ws: { softLimitBytes: 128 * 1024, maxSlowMs: 300 } });
  });
  afterAll(() => t.close());

  it("sends every topic by default and only the subscribed ones after subscribe", async () => {
    const { ws, msgs } = await client(t.port);
    t.bus.emit("radio", radioStatus("r1"));
    t.bus.emit("packet", packet(1));
    await waitFor(() => msgs.some((m) => m.type === "packet"));
    expect(msgs.some((m) => m.type === "radio")).toBe(true);

    ws.send(JSON.stringify({ type: "subscribe", topics: ["packet"], payloadTypes: ["ADVERT"] }));
    await waitFor(() => msgs.some((m) => m.type === "subscribed"));
    expect(msgs.find((m) => m.type === "subscribed")).toMatchObject({
      topics: ["packet"],
      payloadTypes: ["ADVERT"],
    });
    msgs.length = 0;
    t.bus.emit("radio", radioStatus("r1", "backoff"));
    t.bus.emit("packet", packet(2, "GRP_TXT"));
    t.bus.emit("packet", packet(3, "ADVERT"));
    t.bus.emit("mqtt", { broker: "local", state: "connected" });
    await waitFor(() => msgs.some((m) => m.type === "packet"));
    // Give any wrongly-sent message time to arrive before checking.
    await new Promise((r) => setTimeout(r, 100));
    expect(msgs.map((m) => [m.type, m.data?.payloadType])).toEqual([["packet", "ADVERT"]]);
    ws.close();
  });

  it("answers hostile or malformed messages with an error and keeps the connection", async () => {
    const { ws, msgs } = await client(t.port);
    const bad = [
      "not json",
      "[]",
      JSON.stringify({ type: "unsubscribe" }),
      JSON.stringify({ type: "subscribe", topics: ["secrets"] }),
      JSON.stringify({ type: "subscribe", topics: "packet" }),
      JSON.stringify({ type: "subscribe", payloadTypes: ["<script>"] }),
      JSON.stringify({ type: "subscribe", payloadTypes: Array(40).fill("ADVERT") }),
    ];
    for (const b of bad) ws.send(b);
    await waitFor(() => msgs.filter((m) => m.type === "error").length === bad.length);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // A frame larger than the server accepts closes the connection instead.
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    ws.send("x".repeat(10_000));
    expect(await closed).not.toBe(1000);
  });

  it("drops, then disconnects, a client that stops reading; others get every packet", async () => {
    const healthy = await client(t.port);
    const slow = await stallingClient(t.port);
    await waitFor(async () => (await wsStats(t)).clients === 2);
    const before = await wsStats(t);
    let sent = 0;
    // ~1.3 KB messages in small bursts, until the server gives up on the stalled client.
    while ((await wsStats(t)).closedSlow === before.closedSlow) {
      for (let i = 0; i < 40; i++) t.bus.emit("packet", packet(++sent, "GRP_TXT", 1000));
      await new Promise((r) => setTimeout(r, 3));
      if (sent > 200_000) throw new Error("the stalled client was never dropped");
    }
    const after = await wsStats(t);
    expect(after.dropped).toBeGreaterThan(before.dropped);
    expect(after.clients).toBe(1);
    // Memory stayed bounded: never more than the soft limit plus one message queued.
    expect(after.peakBufferedBytes).toBeLessThan(128 * 1024 + 4096);
    await waitFor(() => healthy.msgs.filter((m) => m.type === "packet").length === sent, 20_000);
    const ids = healthy.msgs.filter((m) => m.type === "packet").map((m) => m.data!.id);
    expect(ids).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    healthy.ws.close();
    slow.destroy();
  });
});
