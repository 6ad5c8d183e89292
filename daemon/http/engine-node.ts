/**
 * node:http + ws engine: runs everywhere Node runs (musl, MIPS, any Node
 * version), used when uWebSockets.js has no native build for the machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type Duplex, pipeline, Readable } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import {
  type BodyStream,
  type EngineFactory,
  type EngineRequestHead,
  type EngineResponse,
  splitUrl,
  statusLine,
  type WsConn,
} from "./engine.ts";
import { connectionCap, IDLE_TIMEOUT_MS } from "./fd-guard.ts";

function headOf(req: IncomingMessage): EngineRequestHead {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  const { path, query } = splitUrl(req.url ?? "/");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path,
    query,
    headers,
    remoteAddress: req.socket.remoteAddress ?? "",
  };
}

function hasBody(head: EngineRequestHead): boolean {
  const len = head.headers["content-length"];
  if (len !== undefined) return Number(len) > 0;
  return head.headers["transfer-encoding"] !== undefined;
}

function send(res: ServerResponse, r: EngineResponse, close = false): void {
  if (res.headersSent || res.destroyed) {
    r.stream?.close();
    return;
  }
  const headers: Record<string, string> = { ...r.headers };
  if (close) headers.connection = "close";
  if (r.headLength !== undefined) {
    headers["content-length"] = String(r.headLength);
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  if (r.stream) {
    sendStream(res, r.status, headers, r.stream);
    return;
  }
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** Writes a streamed body at the pace the client reads it (pipeline handles backpressure and aborts). */
function sendStream(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  stream: BodyStream,
): void {
  res.writeHead(status, { ...headers, "content-length": String(stream.length) });
  pipeline(Readable.from(stream.chunks(), { objectMode: false }), res, () => stream.close());
}

function rejectUpgrade(socket: Duplex, r: EngineResponse): void {
  const body = typeof r.body === "string" ? Buffer.from(r.body) : Buffer.from(r.body);
  const lines = [`HTTP/1.1 ${statusLine(r.status)}`];
  for (const [k, v] of Object.entries(r.headers)) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${body.length}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}

export const createNodeEngine: EngineFactory = (h, opts) => {
  let nextId = 1;
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.wsMaxPayload });

  // Sockets whose request is being answered: a slow answer is not idleness.
  const busy = new WeakSet<object>();
  const server = createServer((req, res) => {
    const sock = req.socket;
    busy.add(sock);
    res.once("close", () => busy.delete(sock));
    const head = headOf(req);
    const declared = Number(head.headers["content-length"] ?? 0);
    if (declared > opts.maxBodyBytes) {
      send(res, h.tooLarge(head), true);
      req.socket.destroySoon();
      return;
    }
    const respond = (body: Buffer | null) => {
      h.http({ ...head, body }).then(
        (r) => send(res, r),
        () => send(res, { status: 500, headers: {}, body: "" }),
      );
    };
    if (!hasBody(head)) {
      req.resume();
      respond(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > opts.maxBodyBytes) {
        over = true;
        chunks.length = 0;
        send(res, h.tooLarge(head), true);
        req.socket.destroySoon();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!over) respond(Buffer.concat(chunks));
    });
    req.on("error", () => {});
  });
  // Slow-loris guard: headers must arrive within 10 s, a request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Those two only start with a request's first byte: a socket that never
  // sends one is closed by the inactivity timeout (ws turns it off for
  // upgraded sockets, which ping instead), unless it waits for our answer.
  server.timeout = IDLE_TIMEOUT_MS;
  server.on("timeout", (socket: Duplex) => {
    if (!busy.has(socket)) socket.destroy();
  });
  // Beyond the cap the kernel's connection is accepted and closed at once,
  // so descriptors stay free for the store.
  server.maxConnections = connectionCap();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, upgradeHead: Buffer) => {
    socket.on("error", () => {});
    const head = headOf(req);
    if (head.path !== opts.wsPath) {
      rejectUpgrade(socket, { status: 404, headers: {}, body: "" });
      return;
    }
    const verdict = h.wsUpgrade(head);
    if (verdict) {
      rejectUpgrade(socket, verdict);
      return;
    }
    wss.handleUpgrade(req, socket, upgradeHead, (ws) => {
      const conn: WsConn = {
        id: nextId++,
        remoteAddress: head.remoteAddress,
        send: (text) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        bufferedAmount: () => ws.bufferedAmount,
        close: (code, reason) => {
          if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
          // A client that stopped reading never completes the closing
          // handshake; do not wait for it forever.
          setTimeout(() => ws.terminate(), 2000).unref();
        },
      };
      ws.on("message", (data, isBinary) => {
        if (!isBinary) h.wsMessage(conn, data.toString());
      });
      ws.on("close", () => h.wsClose(conn));
      ws.on("error", () => {});
      h.wsOpen(conn);
    });
  });

  return {
    name: "node",
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const addr = server.address();
          resolve(typeof addr === "object" && addr ? addr.port : port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
