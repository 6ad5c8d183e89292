/** Each endpoint's behaviour beyond the contract basics (store fallbacks, mesh, decode, metrics). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolDecoder } from "../../daemon/http/adapters.ts";
import { buildAckPayload, encodePacket } from "../../daemon/protocol/index.ts";
import { makeMessages, makeNodes, makePacketItem, makeRows, T0 } from "../support/http/fixtures.ts";
import { mqtt, RADIO_KEY, radioStatus, radios, realMesh } from "../support/http/providers.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";
import { storedPacket } from "../support/http/stored.ts";

type Obj = Record<string, unknown>;
const getJson = async (t: TestServer, path: string): Promise<[number, Obj, Headers]> => {
  const res = await fetch(`${t.base}${path}`);
  return [res.status, (await res.json()) as Obj, res.headers];
};

// An ACK, flood-routed, no path: header 0x0d, path_len 0, 4-byte ack code.
const ACK = encodePacket({
  route: 1,
  payloadType: 3,
  hashSize: 1,
  hops: [],
  payload: buildAckPayload(0x12345678),
});

describe.each(ENGINES)("endpoints on %s, store only (no mesh model)", (engine) => {
  let t: TestServer;
  const nodes = makeNodes(30);
  beforeAll(async () => {
    t = await startServer(engine, {
      now: () => T0,
      providers: {
        radios: radios(radioStatus("r1"), radioStatus("r2", "backoff")),
        mqtt: mqtt(false),
        ingest: { counters: () => ({ decodeErrors: 4, decrypted: 3, badSignatures: 2 }) },
      },
    });
    for (const n of nodes) t.store.nodes.set(n.publicKey, n);
    for (const r of makeRows(200, 5, nodes)) t.store.addRow(r);
    t.store.messages = makeMessages(30);
    t.store.outbox.push({
      id: 1,
      broker: "local",
      topic: "t",
      payload: "{}",
      qos: 1,
      retain: false,
      createdAt: 0,
    });
  });
  afterAll(() => t.close());

  it("health is degraded and says why", async () => {
    const [, h] = await getJson(t, "/api/health");
    expect(h.status).toBe("degraded");
    expect(h.reasons).toEqual(["radio r2: backoff (ENOENT)", "mqtt local: reconnecting"]);
    expect(h.index).toMatchObject({ ready: false });
  });

  it("lists nodes from the store with status, filters and sorting", async () => {
    const [, all] = await getJson(t, "/api/nodes?limit=5000");
    expect(all.total).toBe(30);
    const [, reps] = await getJson(t, "/api/nodes?role=repeater&sort=name&limit=3");
    const items = reps.items as Obj[];
    expect(items.every((n) => n.role === "repeater")).toBe(true);
    expect(items.map((n) => n.name)).toEqual([...items.map((n) => n.name as string)].sort());
    // node-0 was heard at T0 (healthy); node-29 29 h ago: a silent repeater, a degraded chat node...
    const [, silent] = await getJson(t, "/api/nodes?status=silent");
    expect((silent.items as Obj[]).every((n) => n.status === "silent")).toBe(true);
    expect((silent.items as Obj[]).length).toBeGreaterThan(0);
    const [, byKey] = await getJson(
      t,
      `/api/nodes?q=${nodes[3]!.publicKey.slice(0, 10).toLowerCase()}`,
    );
    expect((byKey.items as Obj[]).map((n) => n.publicKey)).toEqual([nodes[3]!.publicKey]);
    const [status, err] = await getJson(t, "/api/nodes?sort=height");
    expect(status).toBe(400);
    expect(err.param).toBe("sort");
  });

  it("shows one node with its advert history", async () => {
    const withAdverts = t.store.rows.find((r) => r.advertKey)!.advertKey!;
    const [status, n] = await getJson(t, `/api/nodes/${withAdverts.toLowerCase()}`);
    expect(status).toBe(200);
    expect(n.publicKey).toBe(withAdverts);
    // One entry per advert transmission, however many times it was heard.
    const expected = [
      ...new Set(
        t.store.rows
          .filter((r) => r.advertKey === withAdverts && r.payloadType === 4)
          .map((r) => r.hash),
      ),
    ];
    expect((n.adverts as Obj[]).length).toBe(expected.length);
    const paths = n.paths as { hops: string[]; count: number }[];
    expect(paths.reduce((a, p) => a + p.count, 0)).toBe(expected.length);
    expect(new Set(paths.map((p) => p.hops.join(","))).size).toBe(paths.length);
    expect((await getJson(t, `/api/nodes/${"AB".repeat(32)}`))[0]).toBe(404);
    expect((await getJson(t, "/api/nodes/xyz"))[1].param).toBe("publicKey");
  });

  it("computes prefix collisions from the store", async () => {
    const [, c] = await getJson(t, "/api/collisions?bytes=1");
    const list = c.collisions as { prefix: string; bytes: number; keys: string[] }[];
    for (const col of list) {
      expect(col.bytes).toBe(1);
      expect(col.keys.length).toBeGreaterThan(1);
      expect(col.keys.every((k) => k.startsWith(col.prefix))).toBe(true);
    }
    const byPrefix = new Map<string, number>();
    for (const n of nodes)
      byPrefix.set(n.publicKey.slice(0, 2), (byPrefix.get(n.publicKey.slice(0, 2)) ?? 0) + 1);
    expect(list.length).toBe([...byPrefix.values()].filter((v) => v > 1).length);
  });

  it("answers 503 without Retry-After for the graph and analytics when no mesh model runs", async () => {
    for (const path of ["/api/graph", "/api/analytics?kind=packets"]) {
      const [status, body, headers] = await getJson(t, path);
      expect(status, path).toBe(503);
      expect(body.error).toMatch(/mesh model not available/);
      expect(headers.get("retry-after")).toBeNull();
    }
  });

  it("lists channels and pages their messages", async () => {
    const [, ch] = await getJson(t, "/api/channels");
    expect((ch.items as Obj[]).map((c) => c.channel)).toEqual(["#test", "#bot"]);
    const [, page1] = await getJson(t, "/api/channels/messages?channel=%23test&limit=5");
    const items = page1.items as Obj[];
    expect(items.length).toBe(5);
    expect(items.every((m) => m.channel === "#test")).toBe(true);
    const [, page2] = await getJson(
      t,
      `/api/channels/messages?channel=%23test&limit=5&cursor=${page1.nextCursor}`,
    );
    expect((page2.items as Obj[])[0]!.id as number).toBeLessThan(items[4]!.id as number);
  });

  it("reports radios and MQTT with the outbox depth", async () => {
    const [, r] = await getJson(t, "/api/radios");
    expect((r.items as Obj[]).map((x) => [x.id, x.state])).toEqual([
      ["r1", "up"],
      ["r2", "backoff"],
    ]);
    const [, m] = await getJson(t, "/api/mqtt");
    expect(m.outbox).toEqual({ depth: { local: 1 }, dropped: 0 });
  });

  it("answers 503 for /api/config when the configuration is not provided", async () => {
    expect((await getJson(t, "/api/config"))[0]).toBe(503);
  });

  it("answers 503 for decode and a null decode for packet detail without a decoder", async () => {
    const res = await fetch(`${t.base}/api/decode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hex: "0d00" }),
    });
    expect(res.status).toBe(503);
    const [, d] = await getJson(t, `/api/packets/${t.store.rows[3]!.hash}`);
    expect(d.observationCount).toBe(2);
    expect(d.decodeError).toBe("decoder not available");
  });

  it("counts bus packets in /api/stats and /metrics", async () => {
    const item = { ...makePacketItem(), payloadType: "ADVERT" };
    t.bus.emit("packet", storedPacket(item));
    t.bus.emit("packet", storedPacket(item));
    const [, s] = await getJson(t, "/api/stats");
    expect(s.packets).toEqual({ total: 2, byType: { ADVERT: 2 } });
    const text = await (await fetch(`${t.base}/metrics`)).text();
    expect(text).toContain('meshgate_packets_total{type="ADVERT"} 2');
    expect(text).toContain('meshgate_radio_up{radio="r2",state="backoff"} 0');
    expect(text).toContain('meshgate_mqtt_outbox_depth{broker="local"} 1');
    expect(text).toMatch(/meshgate_event_loop_lag_seconds\{quantile="0.99"\} [\d.e-]+/);
    expect(text).toMatch(/meshgate_memory_bytes\{kind="rss"\} \d+/);
    expect(text).toContain("meshgate_store_journal_bytes 0");
    expect(text).toContain('meshgate_decode_total{outcome="error"} 4');
    expect(text).toContain('meshgate_decode_total{outcome="decrypted"} 3');
    expect(text).toContain('meshgate_decode_total{outcome="bad_signature"} 2');
    expect(text).toContain('meshgate_decode_total{outcome="unsupported_version"} 0');
    // Every sample line is "name{labels} number".
    for (const line of text.trim().split("\n")) {
      if (!line.startsWith("#")) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[\d.e+-]+$/);
    }
  });
});

describe.each(ENGINES)("endpoints on %s with the mesh model and decoder", (engine) => {
  let t: TestServer;
  // Repeaters, so each 1-byte hop resolves to its one node.
  const nodes = makeNodes(10).map((n) => ({ ...n, role: 2 }));
  let built: Awaited<ReturnType<typeof realMesh>>;
  beforeAll(async () => {
    built = await realMesh(nodes);
    const config = {
      http: { port: 8080, token: "s3cret-s3cret-s3cret" },
      mqtt: {
        brokers: [
          { url: "mqtts://gw:hunter2@broker.example:8883", password: "hunter2", username: "gw" },
        ],
      },
      channels: [{ name: "#ops", key: "00112233445566778899aabbccddeeff" }],
      radios: [{ id: "r1", publicKey: "AB".repeat(32) }],
    };
    t = await startServer(engine, {
      providers: {
        mesh: built.mesh,
        radios: radios({ ...radioStatus("r1"), publicKey: RADIO_KEY }),
        decode: protocolDecoder({ channels: [] }),
        config: { get: () => config },
      },
    });
    for (const n of nodes) t.store.nodes.set(n.publicKey, n);
    t.store.addRow({
      ...makeRows(1)[0]!,
      raw: ACK,
      payloadType: 3,
      route: 1,
      hash: "00000000000000aa",
    });
  });
  afterAll(() => t.close());

  it("serves the configuration with every secret masked", async () => {
    const [status, c] = await getJson(t, "/api/config");
    expect(status).toBe(200);
    expect(c).toEqual({
      http: { port: 8080, token: "***" },
      mqtt: {
        brokers: [{ url: "mqtts://***@broker.example:8883", password: "***", username: "gw" }],
      },
      channels: [{ name: "#ops", key: "***" }],
      radios: [{ id: "r1", publicKey: "AB".repeat(32) }],
    });
  });

  it("reports in /metrics how many nodes, edges and tokens the mesh model holds", async () => {
    const text = await (await fetch(`${t.base}/metrics`)).text();
    const size = (kind: string) =>
      Number(text.match(new RegExp(`^meshgate_mesh_size\\{kind="${kind}"\\} (\\d+)$`, "m"))?.[1]);
    // Ten adverts, and one packet relayed through all ten: at least nine relay edges.
    expect(size("nodes")).toBeGreaterThanOrEqual(nodes.length);
    expect(size("edges")).toBeGreaterThanOrEqual(nodes.length - 1);
    expect(size("tokens")).toBeGreaterThan(0);
    expect([size("nodes"), size("edges"), size("tokens")]).toEqual(
      Object.values(built.model.sizes()),
    );
  });

  it("answers 503 with Retry-After and progress while the index builds", async () => {
    built.state.building = true;
    for (const path of [
      "/api/nodes",
      `/api/nodes/${nodes[0]!.publicKey}`,
      "/api/graph",
      "/api/collisions",
      "/api/analytics?kind=snr",
    ]) {
      const [status, body, headers] = await getJson(t, path);
      expect(status, path).toBe(503);
      expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
      expect(body.progress).toBe(0.25);
    }
    const [, h] = await getJson(t, "/api/health");
    expect(h.index).toEqual({ ready: false, progress: 0.25, detail: "replay" });
    built.state.building = false;
  });

  it("answers the contract's node shapes from the model once ready", async () => {
    const [, list] = await getJson(t, "/api/nodes?sort=lastHeard&order=asc");
    const heard = (list.items as Obj[]).map((n) => n.lastHeard as number);
    expect(heard).toEqual([...heard].sort((a, b) => a - b));
    // SNR is a number to sort by: node i was heard directly at 6.5 - i dB.
    const [, bySnr] = await getJson(t, "/api/nodes?sort=snr");
    const names = (bySnr.items as Obj[]).map((n) => n.name);
    expect(names.slice(0, 3)).toEqual(["node-0", "node-1", "node-2"]);
    expect((bySnr.items as Obj[])[0]!.snr).toMatchObject({ last: 6.5, count: 1 });
    const [, one] = await getJson(t, `/api/nodes/${nodes[2]!.publicKey}`);
    expect(one.firstHeard).toBe(nodes[2]!.firstSeen);
    expect(one.gateway).toBe(false);
    const byKey = new Map((one.neighbours as Obj[]).map((n) => [n.publicKey, n]));
    // Its neighbours in the relayed chain, by name, and the radio that heard it.
    expect(byKey.get(nodes[1]!.publicKey)).toMatchObject({ name: "node-1", role: "repeater" });
    expect(byKey.get(nodes[3]!.publicKey)).toMatchObject({ name: "node-3" });
    expect(byKey.get(RADIO_KEY)).toMatchObject({
      heardByThis: null,
      heardByNeighbour: { snr: { last: 4.5 } },
    });
    const [, g] = await getJson(t, "/api/graph");
    expect((g.edges as Obj[]).length).toBeGreaterThan(9);
    const [, a] = await getJson(t, "/api/analytics?kind=packets&range=1h");
    expect(a).toMatchObject({ kind: "packets", range: "1h" });
    expect((await getJson(t, "/api/analytics"))[1].param).toBe("kind");
    expect((await getJson(t, "/api/analytics?kind=packets&range=2y"))[1].param).toBe("range");
  });

  it("resolves a packet's hops to node names", async () => {
    t.store.addRow({
      ...makeRows(1)[0]!,
      id: 500,
      payloadType: 5,
      route: 1,
      hash: "00000000000000bb",
      hops: [nodes[4]!.publicKey.slice(0, 2).toLowerCase(), "ff"],
    });
    const [, d] = await getJson(t, "/api/packets/00000000000000bb");
    const path = d.path as { resolved: Obj[] };
    expect(path.resolved[0]).toMatchObject({
      prefix: nodes[4]!.publicKey.slice(0, 2).toLowerCase(),
      publicKey: nodes[4]!.publicKey,
      name: "node-4",
    });
    expect(path.resolved[0]!.confidence).toBeGreaterThan(0.7);
    expect(path.resolved[1]).toMatchObject({ prefix: "ff", publicKey: null, name: null });
    const [, l] = await getJson(t, "/api/packets?limit=5");
    expect(((l.items as Obj[])[0]!.path as { resolved: Obj[] }).resolved[0]!.name).toBe("node-4");
  });

  it("decodes posted hex and shows the decode in packet detail", async () => {
    const res = await fetch(`${t.base}/api/decode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hex: Buffer.from(ACK).toString("hex").toUpperCase() }),
    });
    const d = (await res.json()) as Obj;
    expect(d.ok).toBe(true);
    expect(d.packet).toMatchObject({ payloadType: "ACK", route: "FLOOD" });
    expect(Array.isArray(d.breakdown)).toBe(true);
    const [, detail] = await getJson(t, "/api/packets/00000000000000aa");
    expect(detail.decoded).toMatchObject({ payloadType: "ACK" });
    expect(detail.decodeError).toBeNull();
    const bad = await fetch(`${t.base}/api/decode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hex: "0g" }),
    });
    expect(bad.status).toBe(400);
    const garbage = await fetch(`${t.base}/api/decode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // A flood ACK cut after its header byte: no path_len.
      body: JSON.stringify({ hex: "0d" }),
    });
    const g = (await garbage.json()) as Obj;
    expect(g.ok).toBe(false);
    expect(g.error).toMatch(/^E_TRUNCATED_HEADER/);
    const notJson = await fetch(`${t.base}/api/decode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{hex:",
    });
    expect(notJson.status).toBe(400);
  });
});
