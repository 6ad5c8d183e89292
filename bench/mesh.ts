/**
 * Mesh model benchmark: background rebuild time for 100k and 1M stored
 * observations, main-thread event-loop delay, the longest scheduler slice
 * and the latency of a health endpoint (served by node:http in this process,
 * polled every 20 ms from a worker thread) while 200 packets/s arrive during
 * a 1M rebuild, and the incremental cost of one observation.
 *
 * Traffic is real packets from the project's simulator (signed adverts,
 * floods with relay paths, direct routes), decoded once into a pool of
 * store rows that the in-memory source replays with fresh ids and times.
 *
 *   node --expose-gc --import tsx bench/mesh.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { silentLogger } from "../daemon/core/log.ts";
import { observationFromRow } from "../daemon/mesh/adapter.ts";
import { MeshModel, type MeshSource } from "../daemon/mesh/model.ts";
import { decodePacket } from "../daemon/protocol/decode.ts";
import { MeshSimulator } from "../daemon/sim/index.ts";
import type { NodeRow, PacketRow } from "../daemon/store/api.ts";

const T0 = Date.UTC(2026, 4, 1);
const POOL = 20_000;
const NODES = 300;

function buildPool(): { rows: PacketRow[]; nodes: NodeRow[]; radioKey: string } {
  let clock = T0;
  const sim = new MeshSimulator({
    seed: 7,
    nodes: NODES,
    centre: { lat: 37.6, lon: -122.3 },
    radiusKm: 60,
    packetsPerSec: 5,
    channels: [],
    clock: () => clock,
  });
  const rows: PacketRow[] = [];
  const seen = new Set<string>();
  while (rows.length < POOL) {
    for (const rx of sim.burst(1000)) {
      clock = Math.max(clock, rx.at);
      const d = decodePacket(rx.raw, { channels: [], verifySignatures: false });
      if (!d.ok) continue;
      const p = d.packet;
      const hops: string[] = [];
      for (let i = 0; i < p.hopCount; i++) {
        hops.push(
          Buffer.from(p.path.subarray(i * p.hashSize, (i + 1) * p.hashSize)).toString("hex"),
        );
      }
      rows.push({
        id: rows.length + 1,
        hash: p.hash,
        raw: rx.raw,
        radioId: rx.radioId,
        at: rx.at,
        snr: rx.snr,
        rssi: rx.rssi,
        payloadType: p.payloadType,
        route: p.route,
        hashSize: p.hashSize,
        hops,
        firstSeen: !seen.has(p.hash),
        summary: "",
        error: null,
      });
      seen.add(p.hash);
    }
  }
  const roles: Record<string, number> = { chat: 1, repeater: 2, room: 3, sensor: 4 };
  const nodes: NodeRow[] = sim.truth().nodes.map((n) => ({
    publicKey: n.publicKey,
    name: n.name,
    role: roles[n.role] ?? 0,
    lat: n.lat,
    lon: n.lon,
    firstSeen: T0,
    lastSeen: T0,
    lastAdvert: T0,
    advertTimestamp: 0,
    advertCount: 1,
    extras: null,
  }));
  return { rows: rows.slice(0, POOL), nodes, radioKey: sim.gateway.publicKey };
}

/** Replays the pool as `total` rows with ids 1..total, 100 ms apart, distinct hashes per cycle. */
function source(pool: PacketRow[], nodes: NodeRow[], total: number): MeshSource {
  const span = pool.length;
  return {
    async scanObservations(afterId, limit) {
      // A store read is I/O: its reply comes back on a later turn of the loop.
      await new Promise((r) => setImmediate(r));
      const out: PacketRow[] = [];
      for (let id = afterId + 1; id <= total && out.length < limit; id++) {
        const base = pool[(id - 1) % span]!;
        const cycle = Math.floor((id - 1) / span);
        out.push({
          ...base,
          id,
          at: T0 + id * 100,
          hash: cycle ? base.hash.slice(0, 12) + cycle.toString(16).padStart(4, "0") : base.hash,
        });
      }
      return out;
    },
    async listNodes() {
      return nodes;
    },
    health() {
      return { observations: total };
    },
  };
}

function mb(n: number): string {
  return (n / 1048576).toFixed(0);
}

async function rebuildOnly(pool: PacketRow[], nodes: NodeRow[], total: number) {
  globalThis.gc?.();
  const model = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + total * 100 });
  const t = performance.now();
  await model.rebuild(source(pool, nodes, total));
  const ms = performance.now() - t;
  globalThis.gc?.();
  const s = model.stats();
  return { ms, heap: process.memoryUsage().heapUsed, edges: s.edges, nodes: s.nodes };
}

async function rebuildUnderLoad(
  pool: PacketRow[],
  nodes: NodeRow[],
  total: number,
  radioKey: string,
) {
  globalThis.gc?.();
  const model = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + total * 100 });
  const live = pool.map((r) => observationFromRow(r, { radioKey: () => radioKey }));
  const h = monitorEventLoopDelay({ resolution: 1 });
  let fed = 0;
  let lateMax = 0;
  // 200 packets/s: one every 5 ms, each folded into the live model at once.
  let due = performance.now();
  const feeder = setInterval(() => {
    const now = performance.now();
    while (due <= now) {
      lateMax = Math.max(lateMax, now - due);
      const o = live[fed % live.length]!;
      model.observe({
        ...o,
        id: undefined,
        hash: `ff${fed.toString(16).padStart(14, "0")}`,
        at: Date.now(),
      });
      fed++;
      due += 5;
    }
  }, 5);
  // What /api/health does on this thread: read cached state, answer JSON.
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, index: model.progress(), ready: model.ready() }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const poller = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const http = require("node:http");
     const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
     const lat = []; let stop = false;
     parentPort.on("message", () => { stop = true; });
     (async function loop() {
       while (!stop) {
         const t = performance.now();
         await new Promise((ok) => http.get({ port: workerData, path: "/api/health", agent }, (res) => { res.resume(); res.on("end", ok); }).on("error", ok));
         lat.push(performance.now() - t);
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage(lat);
     })();`,
    { eval: true, workerData: port },
  );
  h.enable();
  const t = performance.now();
  await model.rebuild(source(pool, nodes, total));
  const ms = performance.now() - t;
  h.disable();
  clearInterval(feeder);
  const lat = await new Promise<number[]>((r) => {
    poller.once("message", r);
    poller.postMessage("stop");
  });
  await poller.terminate();
  server.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
  return {
    ms,
    fed,
    p50: h.percentile(50) / 1e6,
    p99: h.percentile(99) / 1e6,
    max: h.max / 1e6,
    lateMax,
    slow: model.stats().scheduler.slowSlices,
    longest: model.stats().scheduler.longestSliceMs,
    health: { n: lat.length, p50: pct(50), p99: pct(99), max: lat.at(-1) ?? 0 },
  };
}

function incremental(pool: PacketRow[], nodes: NodeRow[], radioKey: string) {
  const model = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
  const trusted = new Set(nodes.map((n) => n.publicKey));
  const obs = pool.map((r) =>
    observationFromRow(r, { radioKey: () => radioKey, trustedKey: (k) => trusted.has(k) }),
  );
  for (const o of obs) model.observe(o); // warm: nodes known, edges exist
  const n = 200_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const o = obs[i % obs.length]!;
    model.observe({ ...o, hash: `ee${i.toString(16).padStart(14, "0")}`, at: T0 + i * 10 });
  }
  const perObs = ((performance.now() - t) * 1000) / n;
  // Adapter cost (what a rebuild adds per stored row: advert decode, channel label).
  const t2 = performance.now();
  for (let i = 0; i < n; i++) {
    observationFromRow(pool[i % pool.length]!, {
      radioKey: () => radioKey,
      trustedKey: (k) => trusted.has(k),
    });
  }
  const perRow = ((performance.now() - t2) * 1000) / n;
  const meanHops = obs.reduce((a, o) => a + o.hops.length, 0) / obs.length;
  return { perObs, perRow, meanHops };
}

const loadBefore = loadavg()[0]!;
const { rows: pool, nodes, radioKey } = buildPool();
const inc = incremental(pool, nodes, radioKey);
const r100k = await rebuildOnly(pool, nodes, 100_000);
const r1m = await rebuildOnly(pool, nodes, 1_000_000);
const load = await rebuildUnderLoad(pool, nodes, 1_000_000, radioKey);

const f = (n: number, d = 1) => n.toFixed(d);
console.log(
  `Simulated mesh: ${NODES} nodes, pool of ${POOL} decoded observations (mean ${f(inc.meanHops, 2)} hops), sliceMs 8.`,
);
console.log(
  `Machine: ${availableParallelism()} CPUs, 1-minute load average ${f(loadBefore, 1)} at start and ${f(loadavg()[0]!, 1)} at end ` +
    "(timings on a busy machine include time the process waited for a CPU).",
);
console.log("");
console.log("| measurement | value |");
console.log("|---|---|");
console.log(`| incremental update, per observation | ${f(inc.perObs, 2)} µs |`);
console.log(`| store row to observation (adapter), per row | ${f(inc.perRow, 2)} µs |`);
console.log(
  `| rebuild 100k observations | ${f(r100k.ms / 1000, 2)} s (${f(100_000 / (r100k.ms / 1000), 0)} obs/s), heap ${mb(r100k.heap)} MB, ${r100k.edges} edges |`,
);
console.log(
  `| rebuild 1M observations | ${f(r1m.ms / 1000, 2)} s (${f(1_000_000 / (r1m.ms / 1000), 0)} obs/s), heap ${mb(r1m.heap)} MB, ${r1m.edges} edges |`,
);
console.log(
  `| rebuild 1M while feeding 200 packets/s | ${f(load.ms / 1000, 2)} s, ${load.fed} live packets folded in |`,
);
console.log(
  `| event-loop delay during it: p50 / p99 / max | ${f(load.p50, 2)} / ${f(load.p99, 2)} / ${f(load.max, 2)} ms (goal p99 <= 10, max <= 50) |`,
);
console.log(`| latest a live packet waited past its due time | ${f(load.lateMax, 2)} ms |`);
console.log(`| scheduler slices over twice the budget | ${load.slow} |`);
console.log(`| longest scheduler slice | ${f(load.longest, 2)} ms (goal <= 50) |`);
console.log(
  `| health endpoint during it (${load.health.n} requests): p50 / p99 / max | ${f(load.health.p50, 2)} / ${f(load.health.p99, 2)} / ${f(load.health.max, 2)} ms (goal p99 <= 20) |`,
);
