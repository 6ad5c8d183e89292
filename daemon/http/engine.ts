/**
 * The small server interface both engines implement. The application (routes,
 * security, static files, WebSocket hub) only ever sees these plain shapes, so
 * uWebSockets.js and node:http + ws are interchangeable and one conformance
 * suite covers both.
 */

export type EngineName = "uws" | "node";

export interface EngineRequestHead {
  /** Upper-case method. */
  readonly method: string;
  /** Path as sent on the wire, still percent-encoded, without the query. */
  readonly path: string;
  /** Raw query string without the leading "?" ("" when absent). */
  readonly query: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}

export interface EngineRequest extends EngineRequestHead {
  /** The request body, or null when the request had none. */
  readonly body: Buffer | null;
}

/**
 * A body too large to hold (a backup download): the engine writes its chunks
 * as the client takes them, and calls `close` once, whether the body was sent
 * whole, cut short by the client or never sent (HEAD, an error).
 */
export interface BodyStream {
  /** Total bytes, known before the first chunk. */
  readonly length: number;
  chunks(): AsyncIterable<Uint8Array>;
  close(): void;
}

export interface EngineResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  /** Answer to HEAD: send no body, but announce this Content-Length. */
  readonly headLength?: number;
  /** When set, the body is streamed from here and `body` is ignored. */
  readonly stream?: BodyStream;
}

/** One WebSocket connection as the hub sees it. */
export interface WsConn {
  readonly id: number;
  readonly remoteAddress: string;
  /** Queue a text frame; never throws (a closed socket ignores it). */
  send(text: string): void;
  /** Bytes queued in user space and not yet handed to the kernel. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface EngineHandlers {
  http(req: EngineRequest): Promise<EngineResponse>;
  /** The body passed `maxBodyBytes`; the engine closes the connection after sending this. */
  tooLarge(head: EngineRequestHead): EngineResponse;
  /** Decide on a WebSocket upgrade of `wsPath`: null accepts, a response rejects. */
  wsUpgrade(head: EngineRequestHead): EngineResponse | null;
  wsOpen(conn: WsConn): void;
  wsMessage(conn: WsConn, text: string): void;
  wsClose(conn: WsConn): void;
}

export interface EngineOptions {
  readonly maxBodyBytes: number;
  readonly wsPath: string;
  /** Largest frame a client may send (subscribe messages are small). */
  readonly wsMaxPayload: number;
}

export interface HttpEngine {
  readonly name: EngineName;
  /** Resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

export type EngineFactory = (handlers: EngineHandlers, opts: EngineOptions) => HttpEngine;

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  426: "Upgrade Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? "Status"}`;
}

/** Split "a/b?c=d" into its path and query parts. */
export function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf("?");
  return q < 0 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q + 1) };
}
