/** Pure pieces of the HTTP layer: query parsing, router, security helpers, hub, static paths. */
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { WsConn } from "../../daemon/http/engine.ts";
import { loadUws, normalizeAddress } from "../../daemon/http/engine-uws.ts";
import { HttpError } from "../../daemon/http/http-error.ts";
import { Query } from "../../daemon/http/params.ts";
import { Router } from "../../daemon/http/router.ts";
import {
  AuthRateLimiter,
  bearerToken,
  corsHeaders,
  tokenMatches,
  wsOriginAllowed,
} from "../../daemon/http/security.ts";
import { createHttpServer } from "../../daemon/http/server.ts";
import { safeSegments } from "../../daemon/http/static.ts";
import { WsHub } from "../../daemon/http/ws-hub.ts";
import { FakeStore } from "../support/http/fake-store.ts";
import { testHttpConfig } from "../support/http/server.ts";
import { rng } from "../support/rng.ts";

const paramOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return (err.extra as { param?: string }).param;
    throw err;
  }
  return undefined;
};

describe("Query", () => {
  it("parses ints, enums, booleans and times within bounds", () => {
    const q = new Query(
      "limit=20&type=ADVERT&group=1&since=2026-05-01T12:00:00Z&until=1777000000000",
      ["limit", "type", "group", "since", "until"],
    );
    expect(q.int("limit", 1, 100, 5)).toBe(20);
    expect(q.oneOf("type", ["ADVERT", "ACK"])).toBe("ADVERT");
    expect(q.bool("group")).toBe(true);
    expect(q.time("since")).toBe(Date.UTC(2026, 4, 1, 12));
    expect(q.time("until")).toBe(1777000000000);
    expect(new Query("", ["limit"]).int("limit", 1, 100, 5)).toBe(5);
  });

  it("names the parameter in every rejection", () => {
    expect(paramOf(() => new Query("x=1", ["limit"]))).toBe("x");
    expect(paramOf(() => new Query("limit=1&limit=1", ["limit"]))).toBe("limit");
    expect(paramOf(() => new Query("limit=1e3", ["limit"]).int("limit", 1, 10))).toBe("limit");
    expect(paramOf(() => new Query("limit=11", ["limit"]).int("limit", 1, 10))).toBe("limit");
    expect(paramOf(() => new Query("v=0x10", ["v"]).num("v", 0, 1))).toBe("v");
    expect(paramOf(() => new Query("t=tomorrow", ["t"]).time("t"))).toBe("t");
    expect(paramOf(() => new Query("t=2026-13-45", ["t"]).time("t"))).toBe("t");
    expect(paramOf(() => new Query("b=yes", ["b"]).bool("b"))).toBe("b");
    expect(paramOf(() => new Query(`s=${"a".repeat(600)}`, ["s"]))).toBe("s");
    expect(paramOf(() => new Query("s=", ["s"]).str("s"))).toBe("s");
  });

  it("never throws anything but a 400 HttpError on random query strings (seeded fuzz)", () => {
    const r = rng(42);
    const alphabet = "abc=&%2e01-:TZ.xlimit;?#+ \u00e9";
    for (let i = 0; i < 3000; i++) {
      const s = Array.from(
        { length: Math.floor(r() * 40) },
        () => alphabet[Math.floor(r() * alphabet.length)],
      ).join("");
      try {
        const q = new Query(s, ["a", "b", "limit", "x"]);
        q.int("limit", 1, 100);
        q.time("a");
        q.str("b", { max: 8 });
        q.num("x", 0, 1);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
      }
    }
  });
});

describe("Router", () => {
  const route = (method: "GET" | "POST", path: string) => ({
    method,
    path,
    query: [],
    handle: async () => path,
  });
  const router = new Router([
    route("GET", "/api/packets"),
    route("GET", "/api/packets/{hash}"),
    route("POST", "/api/decode"),
  ]);

  it("matches literal and parameter segments and decodes parameters", () => {
    expect(router.match("GET", "/api/packets")).toMatchObject({ kind: "found", params: {} });
    expect(router.match("GET", "/api/packets/ab%43")).toMatchObject({
      kind: "found",
      params: { hash: "abC" },
    });
    expect(router.match("GET", "/api/packets/")).toEqual({ kind: "none" });
    expect(router.match("GET", "/api/packets/a/b")).toEqual({ kind: "none" });
    expect(router.match("GET", "/api/packets/%E0%A4%A")).toEqual({ kind: "none" });
    expect(router.match("GET", "/api/decode")).toEqual({ kind: "wrong-method", allow: ["POST"] });
  });
});

describe("security helpers", () => {
  it("compares tokens of any length without throwing", () => {
    expect(tokenMatches("secret-token-123", "secret-token-123")).toBe(true);
    expect(tokenMatches("secret-token-12", "secret-token-123")).toBe(false);
    expect(tokenMatches("", "secret-token-123")).toBe(false);
    expect(tokenMatches("x".repeat(10_000), "secret-token-123")).toBe(false);
  });

  it("extracts bearer tokens strictly", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it("blocks an address after repeated failures until the window passes, with bounded memory", () => {
    let now = 0;
    const l = new AuthRateLimiter({ maxFailures: 3, windowMs: 60_000, maxEntries: 100 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterSec("10.0.0.1")).toBe(0);
      l.fail("10.0.0.1");
    }
    expect(l.retryAfterSec("10.0.0.1")).toBe(60);
    expect(l.retryAfterSec("10.0.0.2")).toBe(0);
    now = 30_000;
    expect(l.retryAfterSec("10.0.0.1")).toBe(30);
    now = 60_001;
    expect(l.retryAfterSec("10.0.0.1")).toBe(0);
    for (let i = 0; i < 1000; i++) l.fail(`192.168.${i >> 8}.${i & 255}`);
    expect(l.size()).toBeLessThanOrEqual(100);
  });

  it("grants CORS and cross-site WebSockets only to configured origins", () => {
    expect(corsHeaders("http://a", [])).toBeNull();
    expect(corsHeaders("http://a", ["http://b"])).toBeNull();
    expect(corsHeaders("http://a", ["http://a"])?.["access-control-allow-origin"]).toBe("http://a");
    expect(corsHeaders("http://a", ["*"])?.["access-control-allow-origin"]).toBe("*");
    expect(wsOriginAllowed(undefined, "gw:8080", [])).toBe(true);
    expect(wsOriginAllowed("http://gw:8080", "gw:8080", [])).toBe(true);
    expect(wsOriginAllowed("http://evil", "gw:8080", [])).toBe(false);
    expect(wsOriginAllowed("not a url", "gw:8080", [])).toBe(false);
    expect(wsOriginAllowed("http://ha.local", "gw:8080", ["http://ha.local"])).toBe(true);
  });

  it("normalises IPv4-mapped addresses from either engine", () => {
    expect(normalizeAddress("0000:0000:0000:0000:0000:ffff:7f00:0001")).toBe("127.0.0.1");
    expect(normalizeAddress("::ffff:192.168.1.20")).toBe("192.168.1.20");
    expect(normalizeAddress("127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("::1")).toBe("::1");
  });
});

describe("static path checks", () => {
  it("keeps plain segments and refuses traversal, backslashes and NUL", () => {
    expect(safeSegments("/assets/main-ABC.js")).toEqual(["assets", "main-ABC.js"]);
    expect(safeSegments("/./a//b/")).toEqual(["a", "b"]);
    for (const bad of [
      "/..",
      "/a/../b",
      "/%2e%2e/x",
      "/a%2f..%2fb",
      "/a%5cb",
      "/a%00",
      "/%E0%A4%A",
    ]) {
      expect(() => safeSegments(bad), bad).toThrow(HttpError);
    }
  });

  it("never yields a '..' segment for random paths (seeded fuzz)", () => {
    const r = rng(7);
    const parts = ["..", ".", "%2e", "%2E", "%2f", "%5c", "/", "a", "%00", "%", "assets"];
    for (let i = 0; i < 5000; i++) {
      const p = `/${Array.from({ length: 1 + Math.floor(r() * 8) }, () => parts[Math.floor(r() * parts.length)]).join("")}`;
      try {
        const segs = safeSegments(p);
        expect(segs.includes("..")).toBe(false);
        expect(segs.some((s) => s.includes("/") || s.includes("\\") || s.includes("\0"))).toBe(
          false,
        );
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
      }
    }
  });
});

class FakeConn implements WsConn {
  readonly sent: string[] = [];
  buffered = 0;
  closed: [number, string] | null = null;
  constructor(readonly id: number) {}
  readonly remoteAddress = "127.0.0.1";
  send(text: string) {
    this.sent.push(text);
  }
  bufferedAmount() {
    return this.buffered;
  }
  close(code: number, reason: string) {
    this.closed = [code, reason];
  }
}

describe("WsHub", () => {
  it("serialises once, filters by topic and payload type", () => {
    const hub = new WsHub({ softLimitBytes: 1000, maxSlowMs: 100, maxClients: 10 });
    const a = new FakeConn(1);
    const b = new FakeConn(2);
    hub.open(a, {});
    hub.open(b, {});
    hub.message(
      b,
      JSON.stringify({ type: "subscribe", topics: ["packet"], payloadTypes: ["ACK"] }),
    );
    hub.publish("packet", { n: 1 }, "ADVERT");
    hub.publish("radio", { id: "r1" });
    hub.publish("packet", { n: 2 }, "ACK");
    expect(a.sent.slice(1).map((s) => JSON.parse(s).type)).toEqual(["packet", "radio", "packet"]);
    expect(b.sent.slice(2).map((s) => JSON.parse(s).data)).toEqual([{ n: 2 }]);
    expect(a.sent[3]).toBe(b.sent[2]);
  });

  it("skips a slow client, tells it how much it missed, and closes it if it stays slow", () => {
    let now = 0;
    const hub = new WsHub({ softLimitBytes: 1000, maxSlowMs: 100, maxClients: 10 }, () => now);
    const c = new FakeConn(1);
    hub.open(c, {});
    c.buffered = 5000;
    hub.publish("packet", { n: 1 });
    hub.publish("packet", { n: 2 });
    expect(c.sent.length).toBe(1);
    c.buffered = 0;
    hub.publish("packet", { n: 3 });
    expect(c.sent.slice(1).map((s) => JSON.parse(s))).toEqual([
      { type: "dropped", count: 2 },
      { type: "packet", data: { n: 3 } },
    ]);
    c.buffered = 5000;
    hub.publish("packet", { n: 4 });
    now = 150;
    hub.publish("packet", { n: 5 });
    expect(c.closed).toEqual([1013, "client too slow"]);
    expect(hub.stats()).toMatchObject({ clients: 0, dropped: 4, closedSlow: 1 });
  });

  it("counts an event that cannot be serialised and keeps going", () => {
    const hub = new WsHub();
    const c = new FakeConn(1);
    hub.open(c, {});
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    hub.publish("node", cyclic);
    hub.publish("node", { ok: 1 });
    expect(c.sent.slice(1).map((m) => JSON.parse(m).data)).toEqual([{ ok: 1 }]);
    expect(hub.stats().badEvents).toBe(1);
  });

  it("refuses clients past the cap", () => {
    const hub = new WsHub({ softLimitBytes: 1000, maxSlowMs: 100, maxClients: 1 });
    hub.open(new FakeConn(1), {});
    const extra = new FakeConn(2);
    hub.open(extra, {});
    expect(extra.closed?.[0]).toBe(1013);
    expect(hub.stats()).toMatchObject({ clients: 1, rejected: 1 });
  });

  it("answers random client messages without throwing (seeded fuzz)", () => {
    const hub = new WsHub();
    const c = new FakeConn(1);
    hub.open(c, {});
    const r = rng(9);
    const pieces = [
      '{"type":"subscribe"',
      ',"topics":["packet"]',
      ',"payloadTypes":null',
      "}",
      "[",
      "]",
      '"',
      "\\u0000",
      "1e999",
    ];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: Math.floor(r() * 6) },
        () => pieces[Math.floor(r() * pieces.length)],
      ).join("");
      hub.message(c, text);
    }
    expect(c.sent.length).toBe(2001);
    for (const s of c.sent) expect(["hello", "subscribed", "error"]).toContain(JSON.parse(s).type);
  });
});

describe("engine selection", () => {
  it("reports why a uWS binary does not load", () => {
    const r = loadUws("uws_plan9_mips_1.node");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/uws_plan9_mips_1\.node/);
  });

  it("falls back to node:http when uWS cannot load, even when asked for it", async () => {
    const server = createHttpServer({
      config: testHttpConfig("uws"),
      staticDir: null,
      bus: new Bus(),
      log: silentLogger(),
      version: "t",
      store: new FakeStore(),
      loadUws: () => ({ ok: false, reason: "no build for this machine" }),
    });
    await server.start();
    try {
      expect(server.engine).toBe("node");
      const h = (await (await fetch(`http://127.0.0.1:${server.port()}/api/health`)).json()) as {
        engine: string;
      };
      expect(h.engine).toBe("node");
    } finally {
      await server.stop();
    }
  });
});
