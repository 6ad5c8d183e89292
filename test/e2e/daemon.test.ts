import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { PacketItem } from "../../daemon/core/types.ts";
import { PAYLOAD_NAMES, ROUTE_NAMES } from "../../daemon/protocol/constants.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { tempDir } from "../support/paths.ts";

const HEX16 = /^[0-9a-f]{16}$/;
const PAYLOAD_TYPES = new Set(PAYLOAD_NAMES);
const ROUTES = new Set(ROUTE_NAMES);

function expectPacketItem(p: PacketItem): void {
  expect(p.hash).toMatch(HEX16);
  expect(p.raw).toMatch(/^([0-9a-f]{2})+$/);
  expect(new Date(p.receivedAt).toISOString()).toBe(p.receivedAt);
  expect(PAYLOAD_TYPES.has(p.payloadType)).toBe(true);
  expect(ROUTES.has(p.route)).toBe(true);
  expect(typeof p.snr === "number" || p.snr === null).toBe(true);
  expect(typeof p.rssi === "number" || p.rssi === null).toBe(true);
  // The hash is the firmware's: recomputed from the raw bytes it must agree.
  expect(packetHash(Uint8Array.from(Buffer.from(p.raw, "hex")))).toBe(p.hash);
}

function nextPackets(url: string, n: number, timeoutMs: number): Promise<PacketItem[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws`);
    const got: PacketItem[] = [];
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`only ${got.length} of ${n} packets over /ws in ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { type: string; data: PacketItem };
      if (msg.type !== "packet") return;
      got.push(msg.data);
      if (got.length >= n) {
        clearTimeout(timer);
        ws.close();
        resolve(got);
      }
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe("meshgate end to end (simulator -> ingest -> store -> HTTP and /ws)", () => {
  let daemon: RunningDaemon;
  const dataDir = tempDir("meshgate-e2e-");

  beforeAll(async () => {
    daemon = await startDaemon({ dataDir, args: ["--simulator"] });
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop("SIGKILL");
  });

  it("streams live packets over /ws in the contract shape", async () => {
    const packets = await nextPackets(daemon.url, 3, 30_000);
    for (const p of packets) expectPacketItem(p);
  }, 40_000);

  it("lists stored packets newest first, and reports health", async () => {
    const res = await fetch(`${daemon.url}/api/packets?limit=5`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: PacketItem[] };
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(5);
    for (const p of body.items) expectPacketItem(p);
    const ids = body.items.map((p) => p.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const health = (await (await fetch(`${daemon.url}/api/health`)).json()) as {
      status: string;
      version: string;
      uptimeSec: number;
      store: { observations: number };
      disk: { freeBytes: number; totalBytes: number };
      ingest: { received: number; stored: number; dropped: number };
    };
    expect(["ok", "degraded"]).toContain(health.status);
    expect(health.disk.freeBytes).toBeGreaterThan(0);
    expect(health.disk.freeBytes).toBeLessThanOrEqual(health.disk.totalBytes);
    expect(health.ingest.stored).toBeGreaterThan(0);
    expect(health.ingest.dropped).toBe(0);
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(health.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(health.store.observations).toBeGreaterThanOrEqual(body.items.length);
  });

  it("stops cleanly on SIGTERM and keeps its data across a restart", async () => {
    const before = (await (await fetch(`${daemon.url}/api/health`)).json()) as {
      store: { observations: number };
    };
    expect(await daemon.stop("SIGTERM")).toBe(0);
    expect(daemon.output()).toMatch(/stopped/);
    daemon = await startDaemon({ dataDir, args: ["--no-simulator"] });
    const after = (await (await fetch(`${daemon.url}/api/health`)).json()) as {
      store: {
        observations: number;
        dbBytes: number;
        journalBytes: number;
        lastSnapshotAt: string | null;
        lastSnapshotMs: number | null;
        error: string | null;
      };
    };
    expect(after.store.observations).toBeGreaterThanOrEqual(before.store.observations);
    // SIGTERM wrote a snapshot; the restarted store reports it (its duration belongs to the old run).
    expect(Date.parse(after.store.lastSnapshotAt ?? "")).toBeGreaterThan(Date.now() - 120_000);
    expect(after.store.lastSnapshotMs).toBeNull();
    expect(after.store.dbBytes).toBeGreaterThan(0);
    expect(after.store.journalBytes).toBeGreaterThanOrEqual(0);
    expect(after.store.error).toBeNull();
  }, 60_000);
});

describe("meshgate run with a bad config", () => {
  it("exits non-zero listing every problem", async () => {
    await expect(
      startDaemon({ yaml: "gateway:\n  iata: sfo\nradios: 3\n", timeoutMs: 20_000 }),
    ).rejects.toThrow(
      /exited with 2[\s\S]*gateway\.iata: must match pattern[\s\S]*radios: must be array/,
    );
  }, 30_000);
});
