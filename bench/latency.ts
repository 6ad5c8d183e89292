/**
 * Radio-to-store and radio-to-WebSocket latency through the whole daemon:
 * the simulator plays companion firmware on loopback TCP, the daemon (in this
 * process, real store worker, real HTTP engine) connects to it as a radio,
 * and a WebSocket client watches /ws. Each reception is timed from the
 * moment the simulated firmware is handed it until the store has it (the
 * bus `packet` event) and until the /ws client receives it.
 *
 * Run: node --import tsx bench/latency.ts [--seconds N] [--rate PPS]
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { App } from "../daemon/app/app.ts";
import { loadConfig } from "../daemon/config/load.ts";
import { silentLogger } from "../daemon/core/log.ts";
import type { RxPacket } from "../daemon/core/types.ts";
import { FirmwareServer } from "../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../daemon/sim/simulator.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg("seconds", 30);
const rate = arg("rate", 5);

const sim = new MeshSimulator({
  seed: 7,
  nodes: 40,
  centre: { lat: 37.7749, lon: -122.4194 },
  radiusKm: 15,
  packetsPerSec: rate,
  channels: [{ name: "#test" }],
});
// Note when the firmware is handed each reception (keyed by its bytes).
const handed = new Map<string, number[]>();
const start = sim.start.bind(sim);
sim.start = (onRx: (rx: RxPacket) => void) =>
  start((rx) => {
    const key = Buffer.from(rx.raw).toString("hex");
    const list = handed.get(key) ?? [];
    list.push(performance.now());
    handed.set(key, list);
    onRx(rx);
  });
const firmware = new FirmwareServer({ firmware: "companion", sim, tcpPort: 0 });
await firmware.start();

const dataDir = join(tmpdir(), `meshgate-latency-${process.pid}`);
const { config } = loadConfig({ searchPaths: [], env: {} });
config.simulator.enabled = false;
config.http.port = 0;
config.http.host = "127.0.0.1";
config.store.dataDir = dataDir;
config.radios = [
  {
    id: "bench",
    driver: "companion",
    tcp: { host: "127.0.0.1", port: firmware.tcpPort() ?? 0 },
    silentTimeoutSec: 600,
    commandTimeoutMs: 3000,
    setClock: false,
    allowKeyExport: false,
  },
];
const app = new App({ config, log: silentLogger(), version: "bench", staticDir: null });
await app.start();

const stored: number[] = [];
const viaWs: number[] = [];
const storedAt = new Map<string, number[]>();
app.bus.on("packet", (p) => {
  const key = Buffer.from(p.raw).toString("hex");
  const t = handed.get(key)?.shift();
  if (t === undefined) return;
  stored.push(performance.now() - t);
  const list = storedAt.get(key) ?? [];
  list.push(t);
  storedAt.set(key, list);
});
const ws = new WebSocket(`ws://127.0.0.1:${app.httpPort()}/ws`);
ws.on("message", (data) => {
  const msg = JSON.parse(String(data)) as { type: string; data: { raw: string } };
  if (msg.type !== "packet") return;
  const t = storedAt.get(msg.data.raw)?.shift();
  if (t !== undefined) viaWs.push(performance.now() - t);
});

await new Promise((r) => setTimeout(r, seconds * 1000));
ws.close();
await app.stop();
await firmware.stop();
rmSync(dataDir, { recursive: true, force: true });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
console.log(
  `Latency from the simulated companion firmware to the store and to a /ws client (${seconds} s at ${rate} packets/s, Node ${process.version})\n`,
);
console.log("| stage | packets | p50 ms | p99 ms | max ms |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, xs] of [
  ["firmware -> stored", stored],
  ["firmware -> /ws client", viaWs],
] as const) {
  console.log(
    `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
  );
}
