/**
 * Live settings on the real daemon with its built-in simulator as the radio:
 * mesh tuning rebuilds the model without a restart (the caps and the resolve
 * threshold show in /api/nodes and /api/graph), and a new gateway name and
 * position reach the simulated radio (its status, its own node entry and the
 * adverts it sends), as they reach a companion radio (config-live.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { SLOW_START_MS } from "../support/wait.ts";
import { waitFor } from "../support/web/supervised.ts";

const TOKEN = "live-sim-token-0123456789";

describe("live settings with the simulated radio (real daemon)", () => {
  let d: RunningDaemon;
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${d.url}${path}`);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return (await r.json()) as T;
  };
  const patch = async (body: unknown) => {
    const r = await fetch(`${d.url}/api/config`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const nodeCount = async () => (await get<{ total: number }>("/api/nodes?limit=1")).total;
  const resolvedEdges = async () =>
    (await get<{ edges: unknown[] }>("/api/graph?resolvedOnly=true")).edges.length;
  /** The model answers from a finished build (no rebuild under way). */
  const settled = async () => {
    const h = await get<{ index: { ready: boolean; progress: number; detail?: string } }>(
      "/api/health",
    );
    return h.index.ready && h.index.progress === 1 && h.index.detail === undefined;
  };

  beforeAll(async () => {
    d = await startDaemon({
      yaml: [
        "http:",
        `  token: ${TOKEN}`,
        "simulator:",
        "  seed: 7",
        "  nodes: 30",
        "  radiusKm: 10",
        "  packetsPerSec: 25",
        "",
      ].join("\n"),
      timeoutMs: SLOW_START_MS,
    });
    await waitFor("the mesh to fill", async () => (await settled()) && (await nodeCount()) >= 20);
  }, SLOW_START_MS + 60_000);

  afterAll(async () => {
    await d?.stop();
  });

  it("mesh.maxNodes applies live: the rebuilt model keeps the cap, and lifting it brings every node back from the store", async () => {
    const before = await nodeCount();
    const capped = await patch({ mesh: { maxNodes: 5 } });
    expect(capped.status).toBe(200);
    expect(capped.body).toEqual({ applied: ["mesh.maxNodes"], restartRequired: [] });
    await waitFor("the capped model", async () => (await settled()) && (await nodeCount()) <= 5);

    const lifted = await patch({ mesh: { maxNodes: 20000 } });
    expect(lifted.body).toEqual({ applied: ["mesh.maxNodes"], restartRequired: [] });
    // Rebuilt from the store: the nodes heard before the cap and during it are all there.
    await waitFor(
      "the uncapped model",
      async () => (await settled()) && (await nodeCount()) >= before,
    );
  }, 120_000);

  it("mesh.minResolveConfidence applies live: a stricter threshold leaves hops unresolved", async () => {
    const before = await resolvedEdges();
    expect(before).toBeGreaterThan(0);
    const r = await patch({ mesh: { minResolveConfidence: 1 } });
    expect(r.body).toEqual({ applied: ["mesh.minResolveConfidence"], restartRequired: [] });
    await waitFor(
      "the stricter model",
      async () => (await settled()) && (await resolvedEdges()) < before,
    );
  }, 120_000);

  it("mesh.sliceMs still waits for a restart", async () => {
    const r = await patch({ mesh: { sliceMs: 5 } });
    expect(r.body).toEqual({ applied: [], restartRequired: ["mesh.sliceMs"] });
  });

  it("a new gateway name and position reach the simulated radio, its node entry and its adverts", async () => {
    const name = "Live <Sim> gw";
    const r = await patch({ gateway: { name, lat: 37.8, lon: -122.45 } });
    expect(r.status).toBe(200);
    const radio = await waitFor("the radio's new name", async () => {
      const { items } = await get<{ items: { name: string | null; publicKey: string }[] }>(
        "/api/radios",
      );
      return items[0]?.name === name ? items[0] : null;
    });
    const self = await waitFor("the gateway's node entry", async () => {
      const n = await get<{ name: string | null; lat: number | null; lon: number | null }>(
        `/api/nodes/${radio.publicKey}`,
      );
      return n.name === name ? n : null;
    });
    expect([self.lat, self.lon]).toEqual([37.8, -122.45]);

    const sent = await fetch(`${d.url}/api/actions/advert`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ flood: true }),
    });
    expect(sent.status).toBe(200);
    // Repeaters flood it back: the gateway hears its own advert, carrying the new identity.
    const advert = await waitFor("the gateway's own advert, heard back", async () => {
      const n = await get<{ adverts: { hash: string }[] }>(`/api/nodes/${radio.publicKey}`);
      for (const a of n.adverts) {
        const p = await get<{ packet: Record<string, unknown> }>(`/api/packets/${a.hash}`);
        if (JSON.stringify(p).includes(JSON.stringify(name).slice(1, -1))) return p;
      }
      return null;
    });
    expect(JSON.stringify(advert)).toContain("37.8");
  }, 120_000);
});
