/**
 * HTTP API and /ws throughput on both engines, over the real store filled
 * with 100k observations. The server runs in a child process (so the load
 * generator does not share its CPU); everything stays on loopback and every
 * phase is bounded in count and time.
 *
 *   node --import tsx bench/http.ts            # both engines (uWS where it loads)
 *   node --import tsx bench/http.ts node       # one engine
 *
 * Prints a markdown table: requests/s and p99 latency for /api/nodes and
 * /api/packets?limit=100, then server CPU and event-loop lag while
 * broadcasting 100 packets/s to 50 WebSocket clients, and the uWS/node ratio.
 */
import { type ChildProcess, fork } from "node:child_process";
import { Agent, request } from "node:http";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { Bus } from "../daemon/core/bus.ts";
import { HTTP_SCHEMA } from "../daemon/core/http-config-schema.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { applyDefaults } from "../daemon/core/schema-type.ts";
import type { StoredPacket } from "../daemon/core/types.ts";
import type { EngineName } from "../daemon/http/engine.ts";
import { loadBestUws } from "../daemon/http/engine-select.ts";
import { toPacketItem } from "../daemon/http/format.ts";
import { createHttpServer } from "../daemon/http/server.ts";
import type { ObservationInput } from "../daemon/store/api.ts";
import { createStore } from "../daemon/store/store.ts";
import { makeNodes, makeRows } from "../test/support/http/fixtures.ts";
import { benchStoreOptions } from "./_store-options.ts";

const OBSERVATIONS = 100_000;
const NODES = 300;
const CONCURRENCY = 16;
const REQUESTS = 3000;
const MAX_PHASE_MS = 15_000;
const WS_CLIENTS = 50;
const WS_RATE = 100;
const WS_SECONDS = 5;

type ToChild = { cmd: "broadcast"; rate: number; seconds: number } | { cmd: "stop" };
type FromChild =
  | { kind: "ready"; port: number; engine: EngineName; seedMs: number; costs: Costs }
  | {
      kind: "broadcast";
      sent: number;
      cpuMs: number;
      lagP99Ms: number;
      lagMaxMs: number;
      rssMB: number;
    };

// ---------------------------------------------------------------- server side

/** Mean ms per call of the pieces behind one request, measured in the server process. */
interface Costs {
  listNodes: number;
  listPackets: number;
  formatPackets: number;
}

async function mean(n: number, fn: () => unknown): Promise<number> {
  await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t) / n;
}

function observations(): ObservationInput[] {
  const nodes = makeNodes(NODES, 5);
  return makeRows(OBSERVATIONS, 4, nodes).map((r) => {
    const node = r.firstSeen ? nodes.find((n) => n.publicKey === r.advertKey) : undefined;
    return {
      hash: r.hash,
      raw: r.raw,
      radioId: r.radioId,
      at: r.at,
      snr: r.snr,
      rssi: r.rssi,
      payloadType: r.payloadType,
      route: r.route,
      version: 0,
      hashSize: r.hashSize,
      hops: r.hops,
      error: null,
      summary: r.summary,
      ...(node && {
        advert: {
          publicKey: node.publicKey,
          name: node.name,
          role: node.role,
          lat: node.lat,
          lon: node.lon,
          advertTimestamp: Math.floor(r.at / 1000),
        },
      }),
    };
  });
}

async function serve(engine: EngineName): Promise<void> {
  const send = (m: FromChild) => process.send?.(m);
  const t0 = performance.now();
  const store = createStore(benchStoreOptions("", { memory: true }));
  await store.start();
  const all = observations();
  for (let i = 0; i < all.length; i += 1000) await store.ingest(all.slice(i, i + 1000));
  const seedMs = performance.now() - t0;
  const bus = new Bus();
  const server = createHttpServer({
    config: applyDefaults(HTTP_SCHEMA, { host: "127.0.0.1", port: 0, engine }),
    staticDir: null,
    bus,
    log: silentLogger(),
    version: "bench",
    store,
  });
  await server.start();
  const page = await store.listPackets({ limit: 100 });
  const costs: Costs = {
    listNodes: await mean(200, () => store.listNodes()),
    listPackets: await mean(200, () => store.listPackets({ limit: 100 })),
    formatPackets: await mean(200, () => JSON.stringify({ items: page.map(toPacketItem) })),
  };
  // The bus carries the stored record; the hub formats it per message, as in the daemon.
  const sample: StoredPacket[] = (await store.listPackets({ limit: 500 })).map((r) => ({
    ...r,
    version: (r.raw[0] ?? 0) >> 6,
  }));
  process.on("message", (m: ToChild) => {
    if (m.cmd === "stop") {
      void server
        .stop()
        .then(() => store.stop())
        .then(() => process.exit(0));
      return;
    }
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const cpu0 = process.cpuUsage();
    let sent = 0;
    const total = m.rate * m.seconds;
    const start = performance.now();
    const timer = setInterval(() => {
      // Catch up to the schedule (timers are coarse): exactly `rate` per second.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * m.rate));
      while (sent < due) bus.emit("packet", { ...sample[sent % sample.length]!, id: sent++ });
      if (sent >= total) {
        clearInterval(timer);
        const cpu = process.cpuUsage(cpu0);
        lag.disable();
        send({
          kind: "broadcast",
          sent,
          cpuMs: (cpu.user + cpu.system) / 1000,
          lagP99Ms: lag.percentile(99) / 1e6,
          lagMaxMs: lag.max / 1e6,
          rssMB: process.memoryUsage().rss / 2 ** 20,
        });
      }
    }, 5);
  });
  send({ kind: "ready", port: server.port(), engine: server.engine, seedMs, costs });
}

// ---------------------------------------------------------------- load side

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(port: number, path: string): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const deadline = performance.now() + MAX_PHASE_MS;
  const one = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
        res.on("data", () => {});
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t);
          else errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  // Warm-up, not measured.
  for (let i = 0; i < 50; i++) await one();
  latencies.length = 0;
  const start = performance.now();
  const worker = async () => {
    while (issued < REQUESTS && performance.now() < deadline) {
      issued++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return { rps: latencies.length / secs, p50: pct(0.5), p99: pct(0.99), errors };
}

async function broadcast(child: ChildProcess, port: number) {
  const clients: WebSocket[] = [];
  let received = 0;
  for (let i = 0; i < WS_CLIENTS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.on("message", (m) => {
      if (m.toString().startsWith('{"type":"packet"')) received++;
    });
    await new Promise((r, j) => {
      ws.once("open", r);
      ws.once("error", j);
    });
    clients.push(ws);
  }
  const result = new Promise<Extract<FromChild, { kind: "broadcast" }>>((resolve) => {
    const on = (m: FromChild) => {
      if (m.kind === "broadcast") {
        child.off("message", on);
        resolve(m);
      }
    };
    child.on("message", on);
  });
  child.send({ cmd: "broadcast", rate: WS_RATE, seconds: WS_SECONDS } satisfies ToChild);
  const r = await result;
  const expected = r.sent * WS_CLIENTS;
  const until = performance.now() + 5000;
  while (received < expected && performance.now() < until)
    await new Promise((x) => setTimeout(x, 20));
  for (const ws of clients) ws.close();
  return { ...r, delivered: received / expected };
}

interface Row {
  engine: EngineName;
  seedMs: number;
  costs: Costs;
  nodes: Load;
  packets: Load;
  ws: Awaited<ReturnType<typeof broadcast>>;
}

async function runEngine(engine: EngineName): Promise<Row> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", engine], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const ready = await new Promise<Extract<FromChild, { kind: "ready" }>>((resolve, reject) => {
      child.once("message", (m: FromChild) =>
        m.kind === "ready" ? resolve(m) : reject(new Error("bad message")),
      );
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    if (ready.engine !== engine) throw new Error(`asked for ${engine}, got ${ready.engine}`);
    const nodes = await load(ready.port, "/api/nodes");
    const packets = await load(ready.port, "/api/packets?limit=100");
    const ws = await broadcast(child, ready.port);
    return { engine, seedMs: ready.seedMs, costs: ready.costs, nodes, packets, ws };
  } finally {
    child.send({ cmd: "stop" } satisfies ToChild);
    await new Promise((r) => {
      const timer = setTimeout(() => {
        child.kill();
        r(null);
      }, 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        r(null);
      });
    });
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a): a is EngineName => a === "uws" || a === "node");
  const engines: EngineName[] =
    wanted.length > 0 ? wanted : loadBestUws().ok ? ["uws", "node"] : ["node"];
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  for (const e of engines) rows.push(await runEngine(e));
  const load1 = loadavg()[0]!;
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
  console.log(
    `Store: ${OBSERVATIONS} observations, ${NODES} nodes (real store, in memory). ${CONCURRENCY} concurrent keep-alive clients, ${REQUESTS} requests per endpoint. /ws: ${WS_CLIENTS} clients, ${WS_RATE} packets/s for ${WS_SECONDS} s.`,
  );
  // Other work on the machine skews every number: say how busy it was.
  console.log(
    `Machine: ${cpus().length} cores, Node ${process.versions.node}, 1-min load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after.\n`,
  );
  console.log(
    "| engine | /api/nodes req/s | p99 ms | /api/packets?limit=100 req/s | p99 ms | ws CPU % | ws loop lag p99 ms | max ms | delivered | RSS MB |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const cpuPct = (r.ws.cpuMs / (WS_SECONDS * 1000)) * 100;
    console.log(
      `| ${r.engine} | ${f(r.nodes.rps)} | ${f(r.nodes.p99, 1)} | ${f(r.packets.rps)} | ${f(r.packets.p99, 1)} | ${f(cpuPct, 1)} | ${f(r.ws.lagP99Ms, 1)} | ${f(r.ws.lagMaxMs, 1)} | ${f(r.ws.delivered * 100, 1)}% | ${f(r.ws.rssMB)} |`,
    );
    const errs = r.nodes.errors + r.packets.errors;
    if (errs > 0) console.log(`\n(${r.engine}: ${errs} non-200 answers)`);
  }
  console.log(
    "\nWhere a request's time goes (mean ms per call, in the server process, no HTTP):\n",
  );
  console.log("| engine | store.listNodes() | store.listPackets(100) | 100 PacketItems to JSON |");
  console.log("|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${f(r.costs.listNodes, 2)} | ${f(r.costs.listPackets, 2)} | ${f(r.costs.formatPackets, 2)} |`,
    );
  }
  const u = rows.find((r) => r.engine === "uws");
  const n = rows.find((r) => r.engine === "node");
  if (u && n) {
    console.log(
      `\nuWS/node ratio: /api/nodes ${f(u.nodes.rps / n.nodes.rps, 2)}x req/s, /api/packets ${f(u.packets.rps / n.packets.rps, 2)}x req/s, ws CPU ${f(u.ws.cpuMs / n.ws.cpuMs, 2)}x.`,
    );
  }
}

if (process.argv[2] === "--serve") {
  await serve((process.argv[3] as EngineName) ?? "node");
} else {
  await main();
}
