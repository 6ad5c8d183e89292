/**
 * /api/nodes without a mesh model takes each node's status from the mesh's
 * health policy, with the running config's `mesh.health` over its defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HEALTH } from "../../daemon/mesh/health.ts";
import { makeNodes, T0 } from "../support/http/fixtures.ts";
import { startServer, type TestServer } from "../support/http/server.ts";

type Obj = Record<string, unknown>;
const H = 3_600_000;

async function statuses(t: TestServer): Promise<Map<string, unknown>> {
  const res = await fetch(`${t.base}/api/nodes?limit=5000`);
  const body = (await res.json()) as { items: Obj[] };
  return new Map(body.items.map((n) => [n.name as string, n.status]));
}

describe("store-only node status follows the mesh health policy", () => {
  const servers: TestServer[] = [];
  // A sensor heard 3 days ago, a repeater 2 minutes ago, a chat node 2 days ago.
  const rows = makeNodes(3).map((n, i) => {
    const [role, age] = [
      [4, 72 * H],
      [2, 120_000],
      [1, 48 * H],
    ][i]!;
    return { ...n, name: ["sensor", "repeater", "chat"][i]!, role: role!, lastSeen: T0 - age! };
  });
  const start = async (config: unknown) => {
    const t = await startServer("node", {
      now: () => T0,
      providers: { config: { get: () => config } },
    });
    for (const n of rows) t.store.nodes.set(n.publicKey, n);
    servers.push(t);
    return t;
  };
  beforeAll(() => {
    // The defaults this test leans on: a sensor is silent after 48 h.
    expect(DEFAULT_HEALTH.sensor.silentAfterSec).toBe(48 * 3600);
  });
  afterAll(async () => {
    for (const t of servers) await t.close();
  });

  it("uses the mesh's defaults when the setting is absent", async () => {
    const s = await statuses(await start({}));
    expect(Object.fromEntries(s)).toEqual({
      sensor: "silent",
      repeater: "healthy",
      chat: "healthy",
    });
  });

  it("honours mesh.health for the roles it names", async () => {
    const s = await statuses(
      await start({
        mesh: {
          health: {
            repeater: { degradedAfterSec: 30, silentAfterSec: 60 },
            companion: { degradedAfterSec: 3600 },
          },
        },
      }),
    );
    expect(Object.fromEntries(s)).toEqual({
      sensor: "silent",
      repeater: "silent",
      chat: "degraded",
    });
  });
});
