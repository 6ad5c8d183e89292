/**
 * meshgate's own messages: every one the uplink produces (packets, status,
 * stats, health, nodes, edges, Home Assistant discovery and state) is checked
 * against its JSON schema in schema/mqtt/, plus the privacy switches.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { AJV_OPTIONS } from "../../daemon/config/validator-file.ts";
import { Bus } from "../../daemon/core/bus.ts";
import { type BrokerConfig, resolveBroker } from "../../daemon/mqtt/config.ts";
import { BROKER_ITEM_SCHEMA, SUMMARIES_SCHEMA } from "../../daemon/mqtt/config-schema.ts";
import type { SummaryEdge, SummaryNode, SummaryPort } from "../../daemon/mqtt/ports.ts";
import type { SummaryOptions } from "../../daemon/mqtt/summaries.ts";
import { DEFAULT_SUMMARY_OPTIONS, roundCoord, TrafficWindow } from "../../daemon/mqtt/summaries.ts";
import { SUMMARIES } from "../../daemon/mqtt/summary-registry.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import type { SeenPublish } from "../support/mqtt/fake-broker.ts";
import { makePacket, RADIO_KEY } from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { listeningBroker, testUplink } from "../support/mqtt/uplink.ts";
import { rng } from "../support/rng.ts";
import { until } from "../support/wait.ts";

const SCHEMA_DIR = path.resolve(import.meta.dirname, "../../schema/mqtt");

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat(
    "date-time",
    (s: string) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s)),
  );
  for (const f of readdirSync(SCHEMA_DIR))
    ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), "utf8")), f);
  return ajv;
}

function schemaFor(topic: string): string {
  if (/^meshcore\/[A-Z]{3}\/[0-9A-F]{64}\/packets$/.test(topic)) return "packet.schema.json";
  if (/^meshcore\/[A-Z]{3}\/[0-9A-F]{64}\/status$/.test(topic)) return "status.schema.json";
  if (/^homeassistant\/sensor\/[^/]+\/config$/.test(topic)) return "ha-discovery.schema.json";
  if (/^meshgate\/[A-Za-z0-9_-]+\/ha\/state$/.test(topic)) return "ha-state.schema.json";
  // Every registered summary names its own schema.
  const def = SUMMARIES.find((d) => new RegExp(`^meshgate/[A-Za-z0-9_-]+/${d.topic}$`).test(topic));
  if (def) return def.schema;
  throw new Error(`no schema for topic ${topic}`);
}

/** A seeded mesh: nodes with hostile-length names and positions, scored edges. */
function mesh(n: number): { nodes: SummaryNode[]; edges: SummaryEdge[] } {
  const r = rng(7);
  const hex = (len: number) =>
    Array.from({ length: len }, () => Math.floor(r() * 16).toString(16))
      .join("")
      .toUpperCase();
  const nodes = Array.from({ length: n }, (_, i) => ({
    publicKey: hex(64),
    name: i % 5 === 0 ? `node\u0001${"n".repeat(100)}` : `node ${i}`,
    role: 1 + (i % 4),
    lat: 37 + r(),
    lon: -122 - r(),
    lastSeen: 1_790_000_000_000 + i * 1000,
  }));
  const edges = nodes.slice(1).map((nd, i) => ({
    a: nodes[i]?.publicKey.slice(0, 2) ?? "00",
    b: nd.publicKey.slice(0, 4),
    score: r(),
    count: 1 + Math.floor(r() * 50),
    lastSeen: 1_790_000_000_000,
  }));
  return { nodes, edges };
}

const cleanup = cleanupsAfterEach();

async function produce(
  options: Partial<SummaryOptions> = {},
  port?: SummaryPort,
): Promise<SeenPublish[]> {
  const expectGraph = port === undefined;
  const broker = await listeningBroker(cleanup);
  const bus = new Bus();
  const outbox = new MemoryOutbox();
  const m = mesh(30);
  const uplink = testUplink(cleanup, {
    brokers: [
      { id: "all", url: broker.url, feeds: ["packets", "status", "summaries", "homeassistant"] },
    ],
    gateway: { name: "Bay gw#1", iata: "SFO", lat: 37.774929, lon: -122.419416 },
    outbox,
    bus,
    summaries: port ?? {
      nodes: () => m.nodes,
      edges: async () => m.edges,
      health: () => ({ storeOk: true, dbBytes: 1234 }),
    },
    summaryOptions: options,
  });
  await uplink.start();
  await until(() => uplink.status()[0]?.connected === true, 5000, "connected");
  for (let i = 0; i < 20; i++) bus.emit("packet", makePacket(i));
  bus.emit("packet", {
    ...makePacket(99),
    snr: null,
    rssi: null,
    payloadType: 4, // ADVERT
    route: 2, // DIRECT
  });
  bus.emit("node", { publicKey: m.nodes[0]?.publicKey ?? "", change: "new" });
  await until(() => outbox.size === 0 && broker.publishes.length >= 21, 5000, "packets out");
  await uplink.publishSummaries();
  const last = expectGraph ? "/edges" : "/health";
  await until(
    () => outbox.size === 0 && broker.publishes.some((p) => p.topic.endsWith(last)),
    5000,
    "summaries out",
  );
  await until(
    () => broker.publishes.some((p) => p.topic.endsWith("/ha/state")),
    5000,
    "HA state out",
  );
  return broker.publishes;
}

describe("meshgate messages match schema/mqtt", () => {
  it("validates every produced message against its schema", async () => {
    const ajv = makeAjv();
    const seen = await produce();
    const kinds = new Set<string>();
    for (const p of seen) {
      const name = schemaFor(p.topic);
      kinds.add(name);
      const validate = ajv.getSchema(name);
      if (!validate) throw new Error(`schema ${name} not loaded`);
      const ok = validate(JSON.parse(p.payload));
      if (!ok) throw new Error(`${p.topic}: ${ajv.errorsText(validate.errors)}`);
    }
    expect([...kinds].sort()).toEqual(
      [
        ...["ha-discovery", "ha-state", "packet", "status"].map((k) => `${k}.schema.json`),
        ...SUMMARIES.map((d) => d.schema),
      ].sort(),
    );
    // Retained where a late subscriber needs the latest value; packets are a stream.
    for (const p of seen) expect(p.retain).toBe(!p.topic.endsWith("/packets"));
    expect(seen.filter((p) => p.topic.startsWith("homeassistant/sensor/"))).toHaveLength(5);
  });

  it("rejects what breaks the contract (the schemas are not vacuous)", () => {
    const ajv = makeAjv();
    const v = ajv.getSchema("packet.schema.json");
    expect(v?.({ origin: "x" })).toBe(false);
    const good = JSON.parse(
      JSON.stringify({
        v: 1,
        ts: "2026-01-01T00:00:00.000Z",
        count: 0,
        truncated: false,
        edges: [],
      }),
    );
    expect(ajv.getSchema("edges.schema.json")?.(good)).toBe(true);
    expect(
      ajv.getSchema("edges.schema.json")?.({
        ...good,
        edges: [{ a: "zz", b: "AA", score: 2, count: 1, lastSeen: 0 }],
      }),
    ).toBe(false);
  });
});

describe("summary content and privacy", () => {
  const topicOf = (seen: SeenPublish[], leaf: string) => {
    const p = seen.filter((s) => s.topic === `meshgate/Bay_gw_1/${leaf}`).at(-1);
    if (!p) throw new Error(`no ${leaf}`);
    return JSON.parse(p.payload);
  };

  it("counts traffic, carries node changes, rounds the gateway position", async () => {
    const seen = await produce({ positionPrecision: 2 });
    const stats = topicOf(seen, "stats");
    expect(stats.packets).toBe(21);
    expect(stats.byType).toEqual({ GRP_TXT: 20, ADVERT: 1 });
    expect(stats.byRoute).toEqual({ FLOOD: 20, DIRECT: 1 });
    expect(stats.radios[0].publicKey).toBe(RADIO_KEY);
    const health = topicOf(seen, "health");
    expect(health.lat).toBe(37.77);
    expect(health.lon).toBe(-122.42);
    expect(health.extra).toEqual({ storeOk: true, dbBytes: 1234 });
    const nodes = topicOf(seen, "nodes");
    expect(nodes.count).toBe(30);
    expect(nodes.changed).toHaveLength(1);
    expect(nodes.changed[0].change).toBe("new");
    expect(nodes.nodes[0].lastSeen).toBeGreaterThan(nodes.nodes[1].lastSeen);
    expect(nodes.nodes.some((n: { name: string }) => n.name.length === 64)).toBe(true); // bounded
    const edges = topicOf(seen, "edges");
    expect(edges.edges[0].score).toBeGreaterThanOrEqual(edges.edges[1].score);
  });

  it("can leave names and positions out, and truncates big tables", async () => {
    const seen = await produce({
      includeNames: false,
      includePositions: false,
      maxNodes: 10,
      maxEdges: 5,
    });
    const nodes = topicOf(seen, "nodes");
    expect(nodes.truncated).toBe(true);
    expect(nodes.nodes).toHaveLength(10);
    for (const n of nodes.nodes) {
      expect(n.name).toBeNull();
      expect(n.lat).toBeNull();
      expect(n.lon).toBeNull();
    }
    const health = topicOf(seen, "health");
    expect(health.lat).toBeNull();
    expect(topicOf(seen, "edges").edges).toHaveLength(5);
  });

  it("survives a failing summary port", async () => {
    const seen = await produce(
      {},
      {
        nodes: () => {
          throw new Error("model not ready");
        },
        health: () => {
          throw new Error("nope");
        },
      },
    );
    expect(topicOf(seen, "health").extra).toEqual({});
    expect(seen.some((p) => p.topic.endsWith("/nodes"))).toBe(false);
  }, 10_000);

  it("queues no summaries for a broker that is away and sends it the newest set on connect", async () => {
    const broker = await listeningBroker(cleanup);
    let accept = false;
    broker.authenticate = () => (accept ? 0 : 5);
    const outbox = new MemoryOutbox();
    const uplink = testUplink(cleanup, {
      brokers: [
        { id: "s", url: broker.url, feeds: ["summaries"], backoffMinMs: 50, backoffMaxMs: 100 },
      ],
      outbox,
      summaries: { nodes: () => mesh(3).nodes },
    });
    await uplink.start();
    await uplink.publishSummaries();
    const second = await uplink.publishSummaries();
    await new Promise((r) => setTimeout(r, 50));
    expect(outbox.enqueueCalls).toBe(0);
    accept = true;
    await until(
      () => broker.publishes.length >= second.length && outbox.size === 0,
      5000,
      "summaries on connect",
    );
    await new Promise((r) => setTimeout(r, 100));
    const topics = broker.publishes.map((p) => p.topic).sort();
    // The newest of each summary built (every registered one whose data is wired: no edges here).
    expect(topics).toEqual(second.map((m) => m.topic).sort());
    expect(topics).toEqual(
      expect.arrayContaining(["meshgate/gw/health", "meshgate/gw/nodes", "meshgate/gw/stats"]),
    );
    expect(topics).not.toContain("meshgate/gw/edges");
    const stats = broker.publishes.find((p) => p.topic === "meshgate/gw/stats");
    expect(stats?.payload).toBe(second.find((m) => m.topic === "meshgate/gw/stats")?.payload);
  });

  it("ties Home Assistant availability to the connection's last will", async () => {
    const seen = await produce();
    const cfg = JSON.parse(
      seen.find((p) => p.topic.startsWith("homeassistant/sensor/"))?.payload ?? "{}",
    );
    expect(cfg.availability[0]).toMatchObject({
      topic: `meshcore/SFO/${RADIO_KEY}/status`,
      value_template: "{{ value_json.status }}",
    });

    // Without the status feed the will is a plain word on meshgate/<gw>/availability.
    const broker = await listeningBroker(cleanup);
    const uplink = testUplink(cleanup, {
      brokers: [{ id: "ha", url: broker.url, feeds: ["homeassistant"] }],
    });
    await uplink.start();
    await until(() => broker.publishes.length >= 6, 5000, "discovery");
    expect(broker.connects[0]?.will).toMatchObject({
      topic: "meshgate/gw/availability",
      retain: true,
    });
    expect(String(broker.connects[0]?.will?.payload)).toBe("offline");
    expect(broker.publishes.find((p) => p.topic === "meshgate/gw/availability")?.payload).toBe(
      "online",
    );
    const ha = JSON.parse(
      broker.publishes.find((p) => p.topic.endsWith("/config"))?.payload ?? "{}",
    );
    expect(ha.availability[0].topic).toBe("meshgate/gw/availability");
    expect(ha.availability[0].value_template).toBeUndefined();
    await uplink.stop();
    expect(
      broker.publishes.filter((p) => p.topic === "meshgate/gw/availability").at(-1)?.payload,
    ).toBe("offline");
  });

  it("rounds coordinates to the requested places", () => {
    expect(roundCoord(37.774929, 0)).toBe(38);
    expect(roundCoord(37.774929, 3)).toBe(37.775);
    expect(roundCoord(null, 3)).toBeNull();
    expect(roundCoord(Number.NaN, 3)).toBeNull();
    const w = new TrafficWindow(0);
    expect(w.close(60_000)).toMatchObject({ packets: 0, perMinute: 0, snr: null });
  });
});

describe("broker config", () => {
  // The options the config's validator is generated with.
  const ajv = new Ajv(AJV_OPTIONS);
  const validate = ajv.compile(BROKER_ITEM_SCHEMA);
  const gw = { name: "gw", iata: "SFO" };

  it("accepts the documented examples and fills defaults", () => {
    const examples: BrokerConfig[] = [
      { id: "local", url: "mqtt://127.0.0.1:1883" },
      {
        id: "letsmesh",
        url: "wss://mqtt-us-v1.letsmesh.net:443/mqtt",
        auth: { type: "token", owner: "callsign" },
        feeds: ["packets", "status"],
      },
      {
        id: "ha",
        url: "mqtts://ha.lan:8883",
        tls: { ca: "/etc/meshgate/ca.pem", rejectUnauthorized: true },
        auth: { type: "password", username: "meshgate", password: "secret" },
        feeds: ["summaries", "homeassistant"],
        packetTypes: ["ADVERT"],
      },
    ];
    for (const e of examples) {
      expect(validate(e), ajv.errorsText(validate.errors)).toBe(true);
      const r = resolveBroker(e, gw);
      expect(r.iata).toBe("SFO");
      expect(r.inflight).toBe(64);
    }
    const r = resolveBroker(examples[1] as BrokerConfig, gw);
    expect(r.host).toBe("mqtt-us-v1.letsmesh.net");
    expect(r.protocol).toBe("wss");
    expect([...r.feeds]).toEqual(["packets", "status"]);
  });

  it("fills the summaries section with the same defaults the code uses", () => {
    // Nested as it will sit in the config schema (under mqtt.properties).
    const v = ajv.compile({ type: "object", properties: { summaries: SUMMARIES_SCHEMA } });
    const data: { summaries?: unknown } = {};
    expect(v(data)).toBe(true);
    expect(data.summaries).toEqual(DEFAULT_SUMMARY_OPTIONS);
    expect(v({ summaries: { positionPrecision: 9 } })).toBe(false);
  });

  it("refuses bad items with each problem named", () => {
    expect(validate({ id: "x", url: "http://nope" })).toBe(false);
    expect(() =>
      resolveBroker({ id: "bad id!", url: "http://nope", iata: "sfo" }, gw),
    ).toThrowError(/invalid/);
    try {
      resolveBroker({ id: "bad id!", url: "http://nope", iata: "sfo" }, gw);
    } catch (err) {
      expect((err as { problems: string[] }).problems).toHaveLength(3);
    }
  });
});
