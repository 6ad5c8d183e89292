/**
 * The gateway is a node: its radio's key, the config's name and position
 * (over what the radio reports), a role from the driver; on the map and in
 * the graph; its identity saved to the radios table for rebuilds.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RadioStatus } from "../../daemon/core/types.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";
import { MemorySource } from "../support/mesh/source.ts";
import { memoryTables } from "../support/mesh/tables.ts";

const T0 = Date.UTC(2026, 4, 1);
const G = key("9a", 1);
const A = key("a1", 1);

function status(p: Partial<RadioStatus> = {}): RadioStatus {
  return {
    id: "main",
    driver: "companion",
    state: "up",
    since: T0,
    lastError: null,
    publicKey: G,
    name: "radio-name",
    params: null,
    model: null,
    firmware: null,
    clockSkewSec: null,
    stats: null,
    counters: {},
    ...p,
  };
}

describe("the gateway's own node", () => {
  it("has the config's name and position, the driver's role, and links on the graph", async () => {
    const t = await memoryTables();
    const m = new MeshModel({
      config: {},
      log: silentLogger(),
      now: () => T0,
      tables: t.port,
      gateway: { name: "Rooftop", lat: 37.5, lon: -122.2 },
    });
    await m.start();
    await m.rebuild(new MemorySource());
    // Heard before the radio reported its key: the link waits on the radio id.
    m.observe(advertObs(advertOf(A, { lat: 37.52, lon: -122.2 }), [], { radioId: "main" }));
    expect(m.graph().nodes.find((n) => n.id === "@main")).toMatchObject({ name: "main" });
    m.radioStats(status());
    const g = m.node(G);
    expect(g).toMatchObject({ name: "Rooftop", role: "chat", lat: 37.5, lon: -122.2 });
    expect(g?.status).toBe("healthy");
    const graph = m.graph();
    expect(graph.nodes.find((n) => n.id === G)).toMatchObject({ name: "Rooftop", lat: 37.5 });
    expect(graph.edges.some((e) => [e.a, e.b].sort().join() === [A, G].sort().join())).toBe(true);
    // Its own advert heard back does not rename it: config wins.
    m.observe(advertObs(advertOf(G, { name: "radio-says", lat: 1, lon: 1 }), [hopOf(A)]));
    expect(m.node(G)).toMatchObject({ name: "Rooftop", lat: 37.5 });
    await m.stop();
    const row = t.engine.database.exec(
      "SELECT name, public_key, node_name, role, lat, lon FROM radios WHERE name = 'main'",
    )[0]?.values[0];
    expect(row).toEqual(["main", G, "Rooftop", 1, 37.5, -122.2]);
    t.engine.abandon();
  });

  it("without config, the radio's own name; a repeater-log radio is a repeater", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    m.radioStats(status({ driver: "repeater-log" }));
    m.observe(obs({ hops: [], radioId: "main" }));
    expect(m.node(G)).toMatchObject({ name: "radio-name", role: "repeater", lat: null });
  });
});
