/**
 * The UI's API client against canned HTTP answers (a unit test: the browser
 * suite drives the same client through a real server). Checks that every
 * failure becomes a value and that hostile or odd bodies are normalised.
 */
import { describe, expect, it } from "vitest";
import { Api, type FetchFn } from "../../web/src/api.ts";
import { deriveAlerts, toHealth } from "../../web/src/health.ts";
import { PacketBuffer } from "../../web/src/live.ts";
import { MAX_NAME, toGraph, toNode, toPacket } from "../../web/src/model.ts";

function answer(status: number, body: unknown, headers: Record<string, string> = {}): FetchFn {
  return async () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers });
}

const KEY = "7E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C9400";

describe("Api", () => {
  it("reads a 503 with Retry-After as building, with progress", async () => {
    const api = new Api(
      "",
      answer(
        503,
        { error: "mesh index is building", progress: 0.25, detail: "replaying" },
        { "retry-after": "5" },
      ),
    );
    const r = await api.nodes();
    expect(r).toEqual({
      kind: "building",
      retryAfterSec: 5,
      progress: { phase: "mesh index is building", fraction: 0.25, message: "replaying" },
    });
  });

  it("reads 404 and a 503 without Retry-After as missing", async () => {
    expect((await new Api("", answer(404, { error: "no such endpoint" })).graph()).kind).toBe(
      "missing",
    );
    const r = await new Api("", answer(503, { error: "mesh model not available" })).graph();
    expect(r).toEqual({ kind: "missing", status: 503, message: "mesh model not available" });
  });

  it("turns a network failure, a 500 and a 401 into values", async () => {
    const down = new Api("", async () => {
      throw new TypeError("Failed to fetch");
    });
    expect((await down.health()).kind).toBe("error");
    expect(await new Api("", answer(500, { error: "internal error" })).health()).toEqual({
      kind: "error",
      message: "internal error",
      status: 500,
    });
    const r = await new Api("", answer(401, { error: "bad token" })).sendChannelMessage(
      "#test",
      "hi",
      "t",
    );
    expect(r).toEqual({ kind: "unauthorized", status: 401, message: "bad token" });
  });

  it("sends the bearer token and JSON body for a channel message", async () => {
    let seen: { url: string; init: RequestInit | undefined } | null = null;
    const api = new Api("http://gw", async (url, init) => {
      seen = { url, init };
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    });
    expect((await api.sendChannelMessage("#test", "hello", "s3cret")).kind).toBe("ok");
    expect(seen!.url).toBe("http://gw/api/actions/channel-message");
    const init = seen!.init ?? {};
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer s3cret");
    expect(JSON.parse(String(init.body))).toEqual({ channel: "#test", text: "hello" });
  });

  it("maps the daemon's list shapes and drops malformed items", async () => {
    const api = new Api(
      "",
      answer(200, {
        items: [
          {
            id: 3,
            hash: "b1baaf3bf0d0726c",
            raw: "2502aabbdeadbeef",
            receivedAt: "2026-01-01T00:00:00Z",
          },
          { id: "x" },
          null,
        ],
      }),
    );
    const r = await api.packets(10);
    expect(r.kind === "ok" && r.data.map((p) => p.id)).toEqual([3]);
  });

  it("reads node detail with advert history and SNR history", async () => {
    const api = new Api(
      "",
      answer(200, {
        publicKey: KEY,
        name: "Cougar",
        role: "repeater",
        lastSeen: "2026-01-01T00:00:00Z",
        advertHistory: [
          { hash: "75b10cb12c391078", receivedAt: "2026-01-01T00:00:00Z", snr: 4, hops: 2 },
        ],
        snrHistory: [
          { at: "2026-01-01T00:10:00Z", snr: 3 },
          { at: "2026-01-01T00:00:00Z", snr: 5 },
          { at: "bad", snr: 1 },
        ],
        // The mesh model answers neighbours as graph edges from this node.
        neighbours: [
          { a: KEY, b: "?b565", score: 1 },
          { publicKey: KEY.toLowerCase(), name: "n", score: 0.5 },
        ],
      }),
    );
    const r = await api.node(KEY);
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(r.data.node.name).toBe("Cougar");
    expect(r.data.adverts).toEqual([
      { hash: "75b10cb12c391078", at: Date.parse("2026-01-01T00:00:00Z"), snr: 4, hops: 2 },
    ]);
    expect(r.data.snrHistory.map((p) => p[1])).toEqual([5, 3]);
    expect(r.data.neighbours.map((n) => n.key)).toEqual(["?b565", KEY]);
  });
});

describe("normalisers", () => {
  it("bound names from the air and treat 0,0 as no position", () => {
    const n = toNode({ publicKey: KEY, name: "x".repeat(10_000), lat: 0, lon: 0, role: 2 });
    expect(n?.name?.length).toBe(MAX_NAME + 1);
    expect(n?.role).toBe("repeater");
    expect(n?.lat).toBeNull();
    expect(toNode({ publicKey: "<script>", name: "x" })).toBeNull();
  });

  it("normalise graph vertices and edges from several field spellings", () => {
    const k = KEY.toLowerCase();
    const g = toGraph({
      nodes: [{ id: k, name: "n", role: "repeater" }, { id: "?42" }, { publicKey: KEY }],
      edges: [
        { a: k, b: "?42", score: 4, confidence: 2 },
        { from: KEY, to: "?42", weight: 2 },
        { source: KEY, target: KEY, score: 1 },
      ],
    });
    expect(g.nodes).toEqual([
      { id: KEY, name: "n", role: "repeater", resolved: true },
      { id: "?42", name: null, role: "unknown", resolved: false },
      { id: KEY, name: null, role: "unknown", resolved: true },
    ]);
    // The two spellings of KEY–?42 are one link; the self-loop is dropped.
    expect(g.edges).toEqual([{ a: KEY, b: "?42", score: 1, confidence: 1 }]);
  });

  it("read the mesh model's node fields (status, lastHeard, fewestHops)", () => {
    const n = toNode({
      publicKey: KEY,
      status: "healthy",
      lastHeard: 1795479664657,
      fewestHops: 2,
    });
    expect(n).toMatchObject({ health: "healthy", lastSeen: 1795479664657, hops: 2 });
  });

  it("strip non-hex from raw and cap hops", () => {
    const p = toPacket({
      id: 1,
      hash: "ab",
      raw: "zz11<>00",
      hops: new Array(500).fill("aabbccddeeff"),
    });
    expect(p?.raw).toBe("1100");
    expect(p?.hops.length).toBe(64);
    expect(p?.hops[0]).toBe("aabbcc");
  });
});

describe("alerts", () => {
  it("derive radio down, clock skew, disk and outbox alerts", () => {
    const h = toHealth({
      status: "degraded",
      radios: [{ id: "main", state: "backoff", lastError: "ENOENT", clockSkewSec: 600 }],
      disk: { freeBytes: 5, totalBytes: 100 },
      store: { error: "ENOSPC" },
    });
    const texts = deriveAlerts({
      ...h,
      mqtt: [{ broker: "b", state: "connected", connected: true, outboxDepth: 5000 }],
    }).map((a) => a.text);
    expect(texts).toEqual([
      "Radio main is backoff: ENOENT",
      "Radio main clock is off by 600 s",
      "Storage error: ENOSPC",
      "Disk is nearly full",
      "MQTT outbox for b is backing up (5000)",
    ]);
  });

  it("use the daemon's reasons instead of repeating them", () => {
    const h = toHealth({
      reasons: ["radio main: backoff (ENOENT)"],
      radios: [{ id: "main", state: "backoff" }],
    });
    expect(deriveAlerts(h).map((a) => a.text)).toEqual(["radio main: backoff (ENOENT)"]);
  });

  it("are quiet on a healthy gateway", () => {
    expect(
      deriveAlerts(toHealth({ status: "ok", radios: [{ id: "main", state: "up" }], reasons: [] })),
    ).toEqual([]);
  });
});

describe("PacketBuffer", () => {
  const pkt = (id: number) => toPacket({ id, hash: `${id}`.padStart(16, "0") })!;
  it("keeps the newest `capacity` packets, newest first, without duplicates", () => {
    const b = new PacketBuffer(3);
    expect(b.add([pkt(1), pkt(2)])).toBe(true);
    expect(b.add([pkt(2)])).toBe(false);
    b.add([pkt(5), pkt(4), pkt(3)]);
    expect(b.all.map((p) => p.id)).toEqual([5, 4, 3]);
    // An evicted id may come back (a later backlog page) and is kept only if new enough.
    expect(b.add([pkt(1)])).toBe(true);
    expect(b.all.map((p) => p.id)).toEqual([5, 4, 3]);
  });
});
