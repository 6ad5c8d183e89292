/**
 * The UI's API client against canned HTTP answers (a unit test: the browser
 * suite drives the same client through a real server). Checks that every
 * failure becomes a value and that answers are read as the API contract types them.
 */
import { describe, expect, it } from "vitest";
import { Api, type FetchFn } from "../../web/src/api.ts";
import { deriveAlerts, type RadioView, toHealth } from "../../web/src/health.ts";
import { PacketBuffer } from "../../web/src/live.ts";
import { type Health, isObserved, type ObservedPacket, toPacket } from "../../web/src/model.ts";

/** A healthy gateway's /api/health answer. */
const HEALTH: Health = {
  status: "ok",
  reasons: [],
  version: "1.0.0",
  uptimeSec: 60,
  engine: "node",
  gateway: { name: "gw", publicKey: null, regions: [], actions: false },
  store: { ok: true, error: null, observations: 10 },
  radios: [{ id: "main", driver: "companion", state: "up", lastError: null }],
  mqtt: [],
  ingest: null,
  disk: null,
  index: { ready: true, progress: 1 },
  counters: {},
  versions: { meshgate: "1.0.0", node: "20", engine: "node" },
};

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

  it("passes the contract's answers through, observations with their time parsed", async () => {
    const item = {
      id: 3,
      hash: "b1baaf3bf0d0726c",
      raw: "2502aabbdeadbeef",
      receivedAt: "2026-01-01T00:00:00Z",
      radioId: "r1",
      payloadType: "GRP_TXT",
      route: "FLOOD",
      snr: 4.5,
      rssi: -90,
      hashSize: 1,
      hops: ["aa"],
      firstSeen: true,
      summary: "#test: hi",
      error: null,
      path: {
        hashSize: 1,
        hops: ["aa"],
        resolved: [{ prefix: "aa", publicKey: KEY, name: "Cougar", confidence: 0.9 }],
      },
    };
    const api = new Api("", answer(200, { items: [item], nextCursor: null }));
    const r = await api.packets(10);
    if (r.kind !== "ok") throw new Error(r.kind);
    expect(r.data).toEqual([{ ...item, at: Date.parse("2026-01-01T00:00:00Z") }]);
  });

  it("reads channel messages oldest first (the daemon pages newest first)", async () => {
    const msg = (id: number) => ({ id, text: `m${id}` });
    const api = new Api("", answer(200, { items: [msg(3), msg(2), msg(1)], nextCursor: null }));
    const r = await api.channelMessages("#test");
    expect(r.kind === "ok" && r.data.map((m) => m.id)).toEqual([1, 2, 3]);
  });
});

describe("live frames", () => {
  it("accept an observation with its path and refuse anything else", () => {
    expect(
      isObserved({ id: 1, hash: "a", receivedAt: "x", hops: [], path: { resolved: [] } }),
    ).toBe(true);
    expect(isObserved({ id: 1, hash: "a", receivedAt: "x", hops: [] })).toBe(false);
    expect(isObserved({ id: "1" })).toBe(false);
    expect(isObserved(null)).toBe(false);
  });
});

describe("alerts", () => {
  const radio = (id: string, state: string, extra: Partial<RadioView> = {}): RadioView => ({
    ...toHealth(HEALTH).radios[0]!,
    id,
    state,
    ...extra,
  });
  it("derive radio down, clock skew, disk and outbox alerts", () => {
    const h = toHealth({
      ...HEALTH,
      status: "degraded",
      disk: { freeBytes: 5, totalBytes: 100 },
      store: { ok: false, error: "ENOSPC", observations: 0 },
    });
    const texts = deriveAlerts({
      ...h,
      radios: [radio("main", "backoff", { lastError: "ENOENT", clockSkewSec: 600 })],
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
    const h = toHealth({ ...HEALTH, reasons: ["radio main: backoff (ENOENT)"] });
    expect(deriveAlerts({ ...h, radios: [radio("main", "backoff")] }).map((a) => a.text)).toEqual([
      "radio main: backoff (ENOENT)",
    ]);
  });

  it("are quiet on a healthy gateway", () => {
    expect(deriveAlerts(toHealth(HEALTH))).toEqual([]);
  });
});

describe("PacketBuffer", () => {
  const pkt = (id: number) =>
    toPacket({
      id,
      hash: `${id}`.padStart(16, "0"),
      receivedAt: "2026-01-01T00:00:00Z",
    } as ObservedPacket);
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
