/**
 * One suite, both engines: the same requests must get the same answers from
 * uWebSockets.js and from node:http + ws.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { PacketItem } from "../../daemon/core/types.ts";
import { makePacketItem, makeRows, T0 } from "../support/http/fixtures.ts";
import {
  ENGINES,
  rawRequest,
  rawSocket,
  startServer,
  type TestServer,
} from "../support/http/server.ts";
import { storedPacket } from "../support/http/stored.ts";
import { rng } from "../support/rng.ts";

const UI_INDEX =
  "<!doctype html><title>ui</title><script type=module src=/assets/main-ABCDEF12.js></script>";

const BIG_JS = Array.from({ length: 400 }, (_, i) => `export const v${i} = "value ${i}";`).join(
  "\n",
);
let uiDir = "";

function makeUiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mg-ui-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), UI_INDEX);
  writeFileSync(join(dir, "assets", "main-ABCDEF12.js"), "console.log(1)");
  writeFileSync(join(dir, "assets", "big-ABCDEF12.js"), BIG_JS);
  uiDir = dir;
  return dir;
}

describe.each(ENGINES)("conformance on %s", (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(engine, { staticDir: makeUiDir() });
    for (const r of makeRows(300)) t.store.addRow(r);
  });
  afterAll(() => t.close());

  it("runs the engine it was asked for, on the port it reports", async () => {
    expect(t.server.engine).toBe(engine);
    expect(t.port).toBeGreaterThan(0);
    const res = await fetch(`${t.base}/api/health`);
    expect(res.status).toBe(200);
    const h = (await res.json()) as Record<string, unknown>;
    expect(h.engine).toBe(engine);
  });

  it("GET /api/health has status, version, uptime and store counts", async () => {
    const h = (await (await fetch(`${t.base}/api/health`)).json()) as {
      status: string;
      version: string;
      uptimeSec: number;
      store: { observations: number };
    };
    expect(h.status).toBe("ok");
    expect(h.version).toBe("9.9.9-test");
    expect(h.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(h.store.observations).toBe(300);
  });

  it("GET /api/packets?limit=N returns newest first as PacketItems", async () => {
    const res = await fetch(`${t.base}/api/packets?limit=5`);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { items: PacketItem[]; nextCursor: string | null };
    expect(body.items.map((i) => i.id)).toEqual([300, 299, 298, 297, 296]);
    const first = body.items[0]!;
    expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(first.raw).toMatch(/^([0-9a-f]{2})+$/);
    expect(first.receivedAt).toBe(new Date(T0 + 300_000).toISOString());
    expect(typeof first.payloadType).toBe("string");
    expect(["TRANSPORT_FLOOD", "FLOOD", "DIRECT", "TRANSPORT_DIRECT"]).toContain(first.route);
    expect(body.nextCursor).toBe("296");
  });

  it("pages with nextCursor through every observation exactly once", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const url = `${t.base}/api/packets?limit=37${cursor ? `&cursor=${cursor}` : ""}`;
      const body = (await (await fetch(url)).json()) as {
        items: PacketItem[];
        nextCursor: string | null;
      };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => 300 - i));
  });

  it("accepts before=<id> as the plain form of cursor, but not both", async () => {
    const body = (await (await fetch(`${t.base}/api/packets?limit=3&before=100`)).json()) as {
      items: PacketItem[];
    };
    expect(body.items.map((i) => i.id)).toEqual([99, 98, 97]);
    const both = await fetch(`${t.base}/api/packets?cursor=5&before=100`);
    expect(both.status).toBe(400);
  });

  it("filters by type, route, radio, hash and time", async () => {
    const get = async (q: string) =>
      (
        (await (await fetch(`${t.base}/api/packets?limit=1000&${q}`)).json()) as {
          items: PacketItem[];
        }
      ).items;
    const adverts = await get("type=ADVERT");
    expect(adverts.length).toBeGreaterThan(0);
    expect(adverts.every((p) => p.payloadType === "ADVERT")).toBe(true);
    const flood = await get("route=FLOOD");
    expect(flood.every((p) => p.route === "FLOOD")).toBe(true);
    const r2 = await get("radio=r2");
    expect(r2.length).toBe(75);
    const hash = r2[0]!.hash;
    const one = await get(`hash=${hash}`);
    expect(one.length).toBe(2);
    expect(new Set(one.map((p) => p.radioId))).toEqual(new Set(["r1", "r2"]));
    const since = new Date(T0 + 101_000).toISOString();
    const windowed = await get(`since=${since}&until=${T0 + 111_000}`);
    expect(windowed.map((p) => p.id)).toEqual([110, 109, 108, 107, 106, 105, 104, 103, 102, 101]);
  });

  it("groups observations by transmission with group=1", async () => {
    const body = (await (await fetch(`${t.base}/api/packets?limit=8&group=1`)).json()) as {
      items: { hash: string; observationCount: number; observations: PacketItem[] }[];
    };
    // Rows 293..300: 296 and 300 are second hearings of 295 and 299.
    expect(body.items.length).toBe(6);
    const g = body.items.find((i) => i.observationCount === 2)!;
    expect(g.observations.every((o) => o.hash === g.hash)).toBe(true);
  });

  it("rejects bad parameters with 400 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["limit=1001", "limit"],
      ["type=NOPE", "type"],
      ["route=SIDEWAYS", "route"],
      ["hash=xyz", "hash"],
      ["since=yesterday", "since"],
      ["cursor=-4", "cursor"],
      ["node=zz", "node"],
      ["bogus=1", "bogus"],
      ["limit=1&limit=2", "limit"],
      [`since=${T0}&until=${T0 - 1}`, "until"],
    ];
    for (const [query, param] of cases) {
      const res = await fetch(`${t.base}/api/packets?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: string; param: string };
      expect(body.param, query).toBe(param);
      expect(body.error).toContain(param);
    }
  });

  it("answers HEAD like GET without a body", async () => {
    for (const path of ["/api/health", "/", "/assets/main-ABCDEF12.js"]) {
      const get = await rawRequest(t.port, "GET", path);
      const head = await rawRequest(t.port, "HEAD", path);
      expect(head.status, path).toBe(200);
      expect(head.body).toBe("");
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
      if (path !== "/api/health")
        expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(get.body));
    }
  });

  it("answers 404 for unknown API paths and 405 for wrong methods", async () => {
    expect((await fetch(`${t.base}/api/nothing`)).status).toBe(404);
    const res = await fetch(`${t.base}/api/packets`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });

  it("refuses bodies over maxBodyBytes with 413, declared or streamed", async () => {
    const big = JSON.stringify({ hex: "00".repeat(5000) });
    const declared = await rawRequest(
      t.port,
      "POST",
      "/api/decode",
      { "content-type": "application/json" },
      big,
    );
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).code).toBe("E_TOO_LARGE");
    const streamed = await rawRequest(
      t.port,
      "POST",
      "/api/decode",
      { "content-type": "application/json", "transfer-encoding": "chunked" },
      big,
    );
    expect(streamed.status).toBe(413);
    // The server is still healthy afterwards.
    expect((await fetch(`${t.base}/api/health`)).status).toBe(200);
  });

  it("survives malformed requests on the socket (seeded fuzz) and keeps serving", async () => {
    const r = rng(1234);
    const pieces = [
      "GET ",
      "POST ",
      "/api/packets",
      "?limit=",
      "%",
      "\r\n",
      "Content-Length: 99999999999\r\n",
      "Host: x\r\n",
      "\u0000",
      "HTTP/1.1",
      "\r\n\r\n",
      "Transfer-Encoding: chunked\r\n",
      "zz\r\n",
      "/ws",
      "Upgrade: websocket\r\n",
    ];
    const sockets: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) {
      const data = Array.from(
        { length: 1 + Math.floor(r() * 12) },
        () => pieces[Math.floor(r() * pieces.length)],
      ).join("");
      sockets.push(rawSocket(t.port, data, 300));
    }
    await Promise.all(sockets);
    const res = await fetch(`${t.base}/api/health`);
    expect(res.status).toBe(200);
  });

  it("sets security headers and no CORS by default", async () => {
    for (const path of ["/api/health", "/", "/nodes"]) {
      const res = await fetch(`${t.base}${path}`, { headers: { origin: "http://evil.example" } });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/img-src [^;]*https:/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("serves the UI: index.html for / and client routes, immutable hashed assets", async () => {
    const root = await fetch(`${t.base}/`);
    expect(await root.text()).toBe(UI_INDEX);
    expect(root.headers.get("cache-control")).toBe("no-cache");
    const spa = await fetch(`${t.base}/nodes/ABC?x=1`);
    expect(spa.status).toBe(200);
    expect(await spa.text()).toBe(UI_INDEX);
    const asset = await fetch(`${t.base}/assets/main-ABCDEF12.js`);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${t.base}/assets/main-OLDHASH1.js`)).status).toBe(404);
  });

  it("gzips text assets for clients that accept it, and notices a changed file", async () => {
    const gz = await rawRequestBytes(t.port, "/assets/big-ABCDEF12.js", {
      "accept-encoding": "gzip, br",
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gunzipSync(gz.body).toString()).toBe(BIG_JS);
    expect(gz.body.length).toBeLessThan(BIG_JS.length / 2);
    const plain = await rawRequest(t.port, "GET", "/assets/big-ABCDEF12.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(BIG_JS);
    writeFileSync(join(uiDir, "index.html"), `${UI_INDEX}<!-- v2 -->`);
    expect(await (await fetch(`${t.base}/`)).text()).toBe(`${UI_INDEX}<!-- v2 -->`);
    writeFileSync(join(uiDir, "index.html"), UI_INDEX);
  });

  it("streams bus packets to /ws clients as {type:'packet', data} with their path", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.port}/ws`);
    const messages: { type: string; data?: PacketItem }[] = [];
    ws.on("message", (m) => messages.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.once("open", r));
    await vi_waitFor(() => messages.some((m) => m.type === "hello"));
    const item = { ...makePacketItem(), id: 12345, hops: ["a1", "b2"] };
    t.bus.emit("packet", storedPacket(item));
    await vi_waitFor(() => messages.some((m) => m.type === "packet"));
    // No mesh model here: the hops come back as heard, unresolved.
    const unresolved = (prefix: string) => ({ prefix, publicKey: null, name: null, confidence: 0 });
    expect(messages.find((m) => m.type === "packet")?.data).toEqual({
      ...item,
      path: { hashSize: 1, hops: ["a1", "b2"], resolved: [unresolved("a1"), unresolved("b2")] },
    });
    ws.close();
  });
});

async function vi_waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function rawRequestBytes(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}
