/**
 * uWebSockets.js engine. uWS has no official npm release; the unofficial
 * builds we depend on (optional; engine-select.ts says which covers what)
 * ship native binaries per platform and Node ABI. A package's own loader
 * silently falls back to a slow JS shim when the binary does not load, so we
 * load the binary ourselves: either the real thing runs, or we say why and
 * use node:http.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as UWS from "@trufflesuite/uws-js-unofficial";
import {
  type BodyStream,
  type EngineHandlers,
  type EngineOptions,
  type EngineRequestHead,
  type EngineResponse,
  type HttpEngine,
  statusLine,
  type WsConn,
} from "./engine.ts";
import { FdWatch, fdLimit } from "./fd-guard.ts";

type UwsModule = typeof UWS;
export type UwsLoad = { ok: true; uws: UwsModule; binary: string } | { ok: false; reason: string };

const PACKAGE = "@trufflesuite/uws-js-unofficial";

/**
 * Load the native uWS binary for this platform/ABI, never the JS fallback.
 * `pkg` and `dir` name another build's package and binary folder
 * (engine-select.ts picks among them).
 */
export function loadUws(
  binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
  pkg = PACKAGE,
  dir = "binaries",
): UwsLoad {
  // Looked up folder by folder: a package with an "exports" map (the
  // @btc-vision build) refuses require.resolve of its package.json.
  const req = createRequire(import.meta.url);
  const pkgDir = (req.resolve.paths(pkg) ?? [])
    .map((p) => join(p, pkg))
    .find((d) => existsSync(join(d, "package.json")));
  if (!pkgDir) return { ok: false, reason: `${pkg} is not installed` };
  try {
    const uws = req(join(pkgDir, dir, binary)) as UwsModule;
    if (typeof uws.App !== "function") return { ok: false, reason: `${binary} has no App()` };
    return { ok: true, uws, binary };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, reason: `no loadable ${binary}: ${msg}` };
  }
}

/** "::ffff:127.0.0.1" and uWS's long form of it both become "127.0.0.1". */
export function normalizeAddress(text: string): string {
  const lower = text.toLowerCase();
  const m = /^(?:0000:0000:0000:0000:0000:ffff:|::ffff:)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(
    lower,
  );
  if (m?.[1] && m[2]) {
    const a = Number.parseInt(m[1], 16);
    const b = Number.parseInt(m[2], 16);
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  const v4 = /^(?:0000:0000:0000:0000:0000:ffff:|::ffff:)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return v4?.[1] ?? lower;
}

function headOf(res: UWS.HttpResponse, req: UWS.HttpRequest): EngineRequestHead {
  const headers: Record<string, string> = {};
  req.forEach((k, v) => {
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  });
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? "",
    headers,
    remoteAddress: normalizeAddress(Buffer.from(res.getRemoteAddressAsText()).toString()),
  };
}

interface ResState {
  aborted: boolean;
  done: boolean;
  /** Wakes a streamed body waiting for the socket to drain (on abort). */
  wake?: () => void;
}

function write(res: UWS.HttpResponse, st: ResState, r: EngineResponse, close = false): void {
  if (st.aborted || st.done) {
    r.stream?.close();
    return;
  }
  st.done = true;
  if (r.stream) {
    void writeStream(res, st, r, r.stream);
    return;
  }
  res.cork(() => {
    writeHead(res, r);
    if (r.headLength !== undefined) res.endWithoutBody(r.headLength, close);
    else res.end(r.body, close);
  });
}

/** Status line and headers (call inside cork); uWS writes length, connection and date itself. */
function writeHead(res: UWS.HttpResponse, r: EngineResponse): void {
  res.writeStatus(statusLine(r.status));
  for (const [k, v] of Object.entries(r.headers)) {
    if (k === "content-length" || k === "connection" || k === "date") continue;
    res.writeHeader(k, v);
  }
}

/**
 * A streamed body, chunk by chunk (uWS sends it chunked): after a write the
 * socket could not take at once, wait for it to drain before reading the
 * next chunk, so at most one chunk waits in memory. An abort stops reading.
 */
async function writeStream(
  res: UWS.HttpResponse,
  st: ResState,
  r: EngineResponse,
  stream: BodyStream,
): Promise<void> {
  const writable = () =>
    new Promise<void>((resolve) => {
      res.onWritable(() => {
        resolve();
        return true;
      });
      st.wake = resolve;
    });
  try {
    res.cork(() => writeHead(res, r));
    for await (const chunk of stream.chunks()) {
      if (st.aborted) return;
      let ok = false;
      res.cork(() => {
        ok = res.write(chunk);
      });
      if (!ok) await writable();
      if (st.aborted) return;
    }
    res.cork(() => res.end());
  } catch {
    if (!st.aborted) res.close();
  } finally {
    stream.close();
  }
}

interface WsData {
  conn: (WsConn & { closed: boolean }) | null;
  remoteAddress: string;
}

export function createUwsEngine(
  uws: UwsModule,
  h: EngineHandlers,
  opts: EngineOptions,
): HttpEngine {
  const app = uws.App();
  let listenSocket: UWS.us_listen_socket | null = null;
  let nextId = 1;

  app.ws<WsData>(opts.wsPath, {
    maxPayloadLength: opts.wsMaxPayload,
    // The hub applies its own (smaller) limits; this is only a last resort.
    maxBackpressure: 16 * 1024 * 1024,
    closeOnBackpressureLimit: 0,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    compression: uws.DISABLED,
    upgrade: (res, req, context) => {
      const head = headOf(res, req);
      const st: ResState = { aborted: false, done: false };
      const verdict = h.wsUpgrade(head);
      if (verdict) {
        write(res, st, verdict, true);
        return;
      }
      res.upgrade<WsData>(
        { conn: null, remoteAddress: head.remoteAddress },
        req.getHeader("sec-websocket-key"),
        req.getHeader("sec-websocket-protocol"),
        req.getHeader("sec-websocket-extensions"),
        context,
      );
    },
    open: (ws) => {
      const data = ws.getUserData();
      const conn: WsConn & { closed: boolean } = {
        id: nextId++,
        remoteAddress: data.remoteAddress,
        closed: false,
        send: (text) => {
          if (!conn.closed) ws.send(text, false);
        },
        bufferedAmount: () => (conn.closed ? 0 : ws.getBufferedAmount()),
        close: (code, reason) => {
          if (conn.closed) return;
          ws.end(code, reason);
          // A client that stopped reading never acknowledges the close.
          setTimeout(() => {
            if (!conn.closed) ws.close();
          }, 2000).unref();
        },
      };
      data.conn = conn;
      h.wsOpen(conn);
    },
    message: (ws, message, isBinary) => {
      const conn = ws.getUserData().conn;
      if (conn && !isBinary) h.wsMessage(conn, Buffer.from(message).toString());
    },
    close: (ws) => {
      const conn = ws.getUserData().conn;
      if (!conn) return;
      conn.closed = true;
      h.wsClose(conn);
    },
  });

  app.any("/*", (res, req) => {
    const head = headOf(res, req);
    const st: ResState = { aborted: false, done: false };
    res.onAborted(() => {
      st.aborted = true;
      st.wake?.();
    });
    const respond = (body: Buffer | null) => {
      h.http({ ...head, body }).then(
        (r) => write(res, st, r),
        () => write(res, st, { status: 500, headers: {}, body: "" }),
      );
    };
    const lenHeader = head.headers["content-length"];
    const declared = Number(lenHeader ?? 0);
    if (declared > opts.maxBodyBytes) {
      write(res, st, h.tooLarge(head), true);
      return;
    }
    const chunked = head.headers["transfer-encoding"] !== undefined;
    if (!(declared > 0) && !chunked) {
      respond(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    res.onData((chunk, isLast) => {
      if (over) return;
      size += chunk.byteLength;
      if (size > opts.maxBodyBytes) {
        over = true;
        chunks.length = 0;
        write(res, st, h.tooLarge(head), true);
        return;
      }
      // uWS neuters the chunk after this callback returns: copy it.
      chunks.push(Buffer.from(Buffer.from(chunk)));
      if (isLast) respond(Buffer.concat(chunks));
    });
  });

  // uWS has no accept hook to refuse one connection: while the open
  // descriptors near the limit it stops listening altogether (new clients are
  // refused by the kernel), and listens again once sockets have closed. Its
  // own 10 s HTTP idle timeout closes sockets that never send a request.
  let bound: { host: string; port: number } | null = null;
  const limit = fdLimit();
  const watch =
    limit === null
      ? null
      : new FdWatch(
          limit,
          () => {
            if (listenSocket) uws.us_listen_socket_close(listenSocket);
            listenSocket = null;
          },
          () => {
            if (!bound) return;
            app.listen(bound.host, bound.port, (sock) => {
              listenSocket = sock || null;
            });
          },
        );

  return {
    name: "uws",
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        app.listen(host, port, (sock) => {
          if (!sock) {
            reject(new Error(`uWS could not listen on ${host}:${port}`));
            return;
          }
          listenSocket = sock;
          const actual = uws.us_socket_local_port(sock as unknown as UWS.us_socket);
          bound = { host, port: actual };
          watch?.start();
          resolve(actual);
        });
      }),
    close: async () => {
      watch?.stop();
      bound = null;
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      listenSocket = null;
      (app as unknown as { close(): void }).close();
    },
  };
}
