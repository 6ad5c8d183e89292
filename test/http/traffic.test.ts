/**
 * One traffic count: the daemon feeds one tally from the bus, and /api/stats,
 * /metrics and the MQTT stats summary all read it, so they agree.
 */
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { TrafficTally } from "../../daemon/mesh/analytics.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { startServer } from "../support/http/server.ts";
import { makePacket } from "../support/mqtt/fixtures.ts";
import { listeningBroker, testUplink } from "../support/mqtt/uplink.ts";

const cleanup = cleanupsAfterEach();

/** Packet i as type `type` and route `route` (-1: the decoder could not read them). */
function packet(i: number, type: number, route: number, firstSeen: boolean) {
  return { ...makePacket(i), payloadType: type, route, firstSeen };
}

async function setup() {
  const bus = new Bus();
  const traffic = new TrafficTally();
  bus.on("packet", (p) => traffic.add(p));
  const http = await startServer("node", { bus, traffic });
  cleanup.push(() => http.close());
  const broker = await listeningBroker(cleanup);
  const uplink = testUplink(cleanup, {
    brokers: [{ id: "local", url: broker.url, feeds: ["summaries"] }],
    bus,
    traffic,
  });
  await uplink.start();
  const mqttStats = async () => {
    const out = await uplink.publishSummaries();
    const stats = out.find((m) => m.topic === "meshgate/gw/stats");
    if (!stats) throw new Error("no stats summary");
    return JSON.parse(stats.payload) as {
      packets: number;
      transmissions: number;
      byType: Record<string, number>;
      byRoute: Record<string, number>;
    };
  };
  const httpStats = async () => {
    const s = (await (await fetch(`${http.base}/api/stats`)).json()) as {
      packets: { total: number; byType: Record<string, number> };
    };
    return s.packets;
  };
  const metricsByType = async () => {
    const text = await (await fetch(`${http.base}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^meshgate_packets_total\{type="([A-Z_]+)"\} (\d+)$/gm))
      out[m[1]!] = Number(m[2]);
    return out;
  };
  return { bus, mqttStats, httpStats, metricsByType };
}

describe("traffic counts", () => {
  it("are the same in /api/stats, /metrics and the MQTT stats summary", async () => {
    const { bus, mqttStats, httpStats, metricsByType } = await setup();
    // The summary reports windows: close the one opened at start.
    expect((await mqttStats()).packets).toBe(0);
    for (let i = 0; i < 5; i++) bus.emit("packet", packet(i, 5, 1, true)); // GRP_TXT, FLOOD
    for (let i = 5; i < 8; i++) bus.emit("packet", packet(i, 4, 2, i === 5)); // ADVERT, DIRECT
    bus.emit("packet", packet(8, -1, -1, true)); // undecodable
    const want = { GRP_TXT: 5, ADVERT: 3, UNKNOWN: 1 };

    const first = await mqttStats();
    expect(first.byType).toEqual(want);
    expect(first).toMatchObject({ packets: 9, transmissions: 7 });
    expect(first.byRoute).toEqual({ FLOOD: 5, DIRECT: 3, UNKNOWN: 1 });
    expect(await httpStats()).toEqual({ total: 9, byType: want });
    expect(await metricsByType()).toEqual(want);

    // A second window: MQTT counts only it, HTTP keeps the total since start.
    bus.emit("packet", packet(9, 4, 1, true));
    const second = await mqttStats();
    expect(second).toMatchObject({ packets: 1, transmissions: 1, byType: { ADVERT: 1 } });
    const total = await httpStats();
    expect(total).toEqual({ total: 10, byType: { ...want, ADVERT: 4 } });
    expect(await metricsByType()).toEqual(total.byType);
    // What MQTT reported window by window adds up to what HTTP reports.
    expect(first.packets + second.packets).toBe(total.total);
  });
});
