/**
 * End-to-end ingest rate: simulated receptions -> full decode (signatures,
 * channel decryption) -> batched store writes (sql.js worker, journal on
 * disk) -> `packet` events. Receptions are generated up front so only the
 * pipeline is timed.
 *
 * Run: node --import tsx bench/ingest.ts [--packets N]
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChannelRegistry } from "../daemon/app/channels.ts";
import { makeDecoder } from "../daemon/app/decoder.ts";
import { Bus } from "../daemon/core/bus.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { Ingest } from "../daemon/ingest/ingest.ts";
import { MeshSimulator } from "../daemon/sim/simulator.ts";
import { createStore } from "../daemon/store/store.ts";
import { simMesh } from "../test/support/sim/mesh.ts";

const i = process.argv.indexOf("--packets");
const n = i > 0 ? Number(process.argv[i + 1]) : 20_000;

const sim = new MeshSimulator(simMesh({ seed: 3 }));
const receptions = sim.burst(n);
const bytes = receptions.reduce((a, r) => a + r.raw.length, 0);

const dataDir = join(tmpdir(), `meshgate-ingest-bench-${process.pid}`);
const log = silentLogger();
const store = createStore({
  dataDir,
  fsyncIntervalMs: 1000,
  snapshotJournalRatio: 0.5,
  maxDbMB: 512,
  maxAgeDays: 30,
  log,
});
await store.start();
const channels = new ChannelRegistry([{ name: "#test" }], true, [], null, log);
const bus = new Bus();
const ingest = new Ingest({ bus, store, decode: makeDecoder(() => channels.context()), log });
let events = 0;
bus.on("packet", () => events++);
await ingest.start();

// Decode alone first, for the split.
const decode = makeDecoder(() => channels.context());
const d0 = performance.now();
for (const rx of receptions) decode(rx.raw);
const decodeSecs = (performance.now() - d0) / 1000;

const t0 = performance.now();
for (const rx of receptions) ingest.push(rx);
await ingest.flush();
while (events < n) await new Promise((r) => setTimeout(r, 5));
const secs = (performance.now() - t0) / 1000;
await ingest.stop();
await store.stop();
rmSync(dataDir, { recursive: true, force: true });

console.log(
  `End-to-end ingest (Node ${process.version}, ${n} simulated receptions, ${(bytes / n).toFixed(0)} B mean)\n`,
);
console.log("| stage | observations/s |");
console.log("|---|---:|");
console.log(`| decode only (signatures + decryption) | ${Math.round(n / decodeSecs)} |`);
console.log(`| decode + store + events | ${Math.round(n / secs)} |`);
const c = ingest.counters;
console.log(
  `\nstored: ${c.stored} observations, ${c.transmissions} transmissions, ${c.dropped} dropped`,
);
