/**
 * A stand-in for the meshgate daemon that the browser tests and the bench
 * drive the UI against: serves dist/web with the daemon's own security
 * headers, answers the HTTP API in the daemon's shapes (daemon/http/routes),
 * and pushes /ws messages. Loopback only. Tests steer it through its methods
 * (inject a packet, a hostile node name, the "still building" state). Only
 * the web bench uses it now: the browser tests run the real HTTP layer.
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { WebSocket, WebSocketServer } from "ws";
import type { ObservedPacket } from "../../../daemon/http/contract/index.ts";
import { SECURITY_HEADERS } from "../../../daemon/http/security.ts";
import {
  advertRaw,
  type FakeMessage,
  type FakeNode,
  hashOf,
  makeEdges,
  makeGraph,
  makeNodes,
  makePackets,
  makeRadio,
} from "./fixtures.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".map": "application/json",
};

/** What this stand-in answers (the daemon's openapi.json lists its own). */
const FAKE_PATHS = [
  "/api/health",
  "/api/packets",
  "/api/packets/{hash}",
  "/api/nodes",
  "/api/nodes/{publicKey}",
  "/api/graph",
  "/api/channels",
  "/api/channels/messages",
  "/api/radios",
  "/api/mqtt",
  "/api/actions/channel-message",
];

export interface FakeOptions {
  readonly webDir: string;
  readonly nodes?: number;
  readonly packets?: number;
  readonly token?: string;
}

export class FakeDaemon {
  readonly now = Date.now();
  nodes: FakeNode[];
  packets: ObservedPacket[];
  messages: FakeMessage[] = [];
  /** Channel messages POSTed through the actions endpoint, in order. */
  readonly sent: { channel: string; text: string }[] = [];
  /** While true, mesh endpoints answer 503 + Retry-After with progress. */
  building = false;
  /** Handler exceptions (a bug in this stand-in or a client gone mid-answer). */
  readonly failures: string[] = [];
  private server: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true });
  private nextId: number;

  constructor(private readonly opts: FakeOptions) {
    this.nodes = makeNodes(opts.nodes ?? 24, this.now);
    this.packets = makePackets(opts.packets ?? 200, this.nodes, this.now);
    this.nextId = this.packets.length + 1;
    this.messages = [
      {
        id: 1,
        hash: hashOf(90001),
        channel: "public",
        sender: "Alice",
        text: "hello mesh",
        receivedAt: new Date(this.now - 60_000).toISOString(),
        senderTimestamp: 0,
      },
      {
        id: 2,
        hash: hashOf(90002),
        channel: "#test",
        sender: "Bob",
        text: "test 1 2 3",
        receivedAt: new Date(this.now - 30_000).toISOString(),
        senderTimestamp: 0,
      },
    ];
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error("fake daemon not started");
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.failures.push(String(err));
        if (res.headersSent) res.destroy();
        else this.json(res, 500, { error: String(err), code: "E_INTERNAL" });
      });
    });
    server.on("upgrade", (req, socket, head) => {
      if (req.url !== "/ws") return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(
          JSON.stringify({
            type: "hello",
            topics: ["packet", "node", "radio", "mqtt"],
            version: "0.1.0-test",
          }),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((ok) => s.close(() => ok()));
  }

  /** Drop every /ws client (the UI should show "stale" and reconnect). */
  dropClients(): void {
    for (const c of this.wss.clients) c.terminate();
  }

  wsClients(): number {
    return this.wss.clients.size;
  }

  /** Store and broadcast a packet the way ingest + the ws hub would. */
  emitPacket(p: Omit<ObservedPacket, "id">): ObservedPacket {
    const item = { ...p, id: this.nextId++ };
    this.packets.push(item);
    const text = JSON.stringify({ type: "packet", data: item });
    for (const c of this.wss.clients) if (c.readyState === WebSocket.OPEN) c.send(text);
    return item;
  }

  /** Hear an advert from a (possibly hostile) node: upsert it and broadcast. */
  emitAdvert(node: FakeNode): ObservedPacket {
    const i = this.nodes.findIndex((n) => n.publicKey === node.publicKey);
    if (i >= 0) this.nodes[i] = node;
    else this.nodes.push(node);
    return this.emitPacket({
      hash: hashOf(this.nextId + 50_000),
      raw: advertRaw(node, Math.floor(Date.now() / 1000)),
      receivedAt: new Date().toISOString(),
      radioId: "main",
      payloadType: "ADVERT",
      route: "FLOOD",
      snr: 6.5,
      rssi: -70,
      hashSize: 1,
      hops: [],
      firstSeen: true,
      summary: `advert from ${node.name}`,
      error: null,
      path: { hashSize: 1, hops: [], resolved: [] },
    });
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...extra,
    });
    res.end(JSON.stringify(body));
  }

  private buildingReply(res: ServerResponse): void {
    this.json(
      res,
      503,
      {
        error: "mesh index is building",
        code: "E_UNAVAILABLE",
        progress: 0.42,
        detail: "replaying observations",
      },
      { "retry-after": "1" },
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const q = url.searchParams;
    if (!path.startsWith("/api/")) return this.serveStatic(path, res);
    if (req.method === "POST" && path === "/api/actions/channel-message")
      return this.sendMessage(req, res);
    if (req.method !== "GET")
      return this.json(res, 405, { error: "method not allowed", code: "E_METHOD" });
    const node = /^\/api\/nodes\/([0-9A-Fa-f]{64})$/.exec(path);
    const packet = /^\/api\/packets\/([0-9a-f]{16})$/.exec(path);
    if (path === "/api/health") return this.json(res, 200, this.health());
    if (path === "/api/openapi.json")
      return this.json(res, 200, {
        openapi: "3.1.0",
        paths: Object.fromEntries(FAKE_PATHS.map((p) => [p, {}])),
      });
    if (path === "/api/packets") {
      const limit = Math.min(1000, Number(q.get("limit") ?? 50));
      const items = [...this.packets].reverse().slice(0, limit);
      return this.json(res, 200, { items, nextCursor: null });
    }
    if (packet) {
      const obs = this.packets.filter((p) => p.hash === packet[1]);
      if (obs.length === 0)
        return this.json(res, 404, { error: "packet not found", code: "E_NOT_FOUND" });
      const first = obs[0]!;
      return this.json(res, 200, {
        hash: first.hash,
        payloadType: first.payloadType,
        observationCount: obs.length,
        observations: obs,
        decoded: { payloadType: first.payloadType, route: first.route, summary: first.summary },
        breakdown: null,
        decodeError: null,
      });
    }
    if (path === "/api/nodes") {
      if (this.building) return this.buildingReply(res);
      return this.json(res, 200, { items: this.nodes, total: this.nodes.length });
    }
    if (node) {
      if (this.building) return this.buildingReply(res);
      const n = this.nodes.find((x) => x.publicKey === node[1]!.toUpperCase());
      if (!n) return this.json(res, 404, { error: "node not found", code: "E_NOT_FOUND" });
      const adverts = this.packets.filter(
        (p) => p.payloadType === "ADVERT" && p.summary === `advert from ${n.name}`,
      );
      const nb = makeEdges(this.nodes).filter((e) => e.a === n.publicKey || e.b === n.publicKey);
      return this.json(res, 200, {
        ...n,
        advertHistory: adverts.map((a) => ({
          hash: a.hash,
          receivedAt: a.receivedAt,
          radioId: a.radioId,
          snr: a.snr,
          rssi: a.rssi,
          hops: a.hops.length,
        })),
        snrHistory: Array.from({ length: 12 }, (_, i) => ({
          at: new Date(this.now - (12 - i) * 600_000).toISOString(),
          snr: -5 + i,
          rssi: -90,
        })),
        // The mesh model answers a node's neighbours as its graph edges.
        neighbours: nb,
        paths: [],
      });
    }
    if (path === "/api/graph") {
      if (this.building) return this.buildingReply(res);
      return this.json(res, 200, makeGraph(this.nodes));
    }
    if (path === "/api/channels") {
      const names = [...new Set(this.messages.map((m) => m.channel))];
      return this.json(res, 200, {
        items: names.map((c) => {
          const ms = this.messages.filter((m) => m.channel === c);
          return { channel: c, recentMessages: ms.length, lastMessage: ms[ms.length - 1] };
        }),
        sampled: this.messages.length,
      });
    }
    if (path === "/api/channels/messages") {
      const c = q.get("channel");
      const items = this.messages.filter((m) => c === null || m.channel === c).reverse();
      return this.json(res, 200, { items, nextCursor: null });
    }
    if (path === "/api/radios")
      return this.json(res, 200, { available: true, items: [makeRadio(this.now)] });
    if (path === "/api/mqtt") {
      return this.json(res, 200, {
        available: true,
        brokers: [{ name: "region", state: "connected", connected: true }],
        outbox: { depth: { region: 3 }, dropped: 0 },
      });
    }
    return this.json(res, 404, { error: `${path}: no such endpoint`, code: "E_NOT_FOUND" });
  }

  private health(): unknown {
    return {
      status: "ok",
      reasons: [],
      version: "0.1.0-test",
      uptimeSec: 3723,
      store: {
        ok: true,
        error: null,
        observations: this.packets.length,
        transmissions: this.packets.length,
        nodes: this.nodes.length,
        dbBytes: 123_456,
      },
      radios: [{ id: "main", driver: "simulator", state: "up", lastError: null }],
      mqtt: [{ name: "region", state: "connected", connected: true }],
      index: this.building
        ? { ready: false, progress: 0.42, detail: "replaying observations" }
        : { ready: true, progress: 1 },
    };
  }

  private async sendMessage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = this.opts.token ?? "secret-token";
    if (req.headers.authorization !== `Bearer ${token}`) {
      return this.json(res, 401, {
        error: "authorization: a valid Bearer token is required",
        code: "E_UNAUTHORIZED",
      });
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      channel: string;
      text: string;
    };
    this.sent.push({ channel: body.channel, text: body.text });
    this.messages.push({
      id: this.messages.length + 1,
      hash: hashOf(95000 + this.messages.length),
      channel: body.channel,
      sender: "Gateway Radio",
      text: body.text,
      receivedAt: new Date().toISOString(),
      senderTimestamp: 0,
    });
    return this.json(res, 200, { ok: true, detail: null });
  }

  private async serveStatic(path: string, res: ServerResponse): Promise<void> {
    const root = this.opts.webDir;
    const file = normalize(join(root, decodeURIComponent(path)));
    const inside = file.startsWith(root + sep);
    const isFile =
      inside &&
      (await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ));
    if (!isFile && path.startsWith("/assets/"))
      return this.json(res, 404, { error: "asset not found" });
    const target = isFile ? file : join(root, "index.html");
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
    });
    res.end(await readFile(target));
  }
}
