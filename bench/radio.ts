/**
 * Radio link latency: from a scripted firmware writing a frame on the far
 * end of a real pty (or loopback TCP) to meshgate's `rx` event on the bus.
 * Run: node --import tsx bench/radio.ts [packets per case]
 * Prints a markdown table (ms). Needs socat.
 */
import { performance } from "node:perf_hooks";
import { Bus } from "../daemon/core/bus.ts";
import { silentLogger } from "../daemon/core/log.ts";
import { type RadioConfig, RadioManager } from "../daemon/radio/index.ts";
import { openPeerSerial, type PeerPipe, ptyPair, tempDir, waitUntil } from "../test/support/pty.ts";
import { CompanionPeer } from "../test/support/radio/companion-peer.ts";
import { KissPeer } from "../test/support/radio/kiss-peer.ts";
import { ReplogPeer } from "../test/support/radio/replog-peer.ts";
import { tcpRadio } from "../test/support/radio/tcp.ts";

const N = Number(process.argv[2] ?? 500);
const PACKET = Uint8Array.from([0x15, 0x00, ...Array.from({ length: 60 }, (_, i) => i)]);

type Sender = (raw: Uint8Array) => void;

function peerFor(driver: RadioConfig["driver"], pipe: PeerPipe): Sender {
  if (driver === "companion") {
    const p = new CompanionPeer(pipe);
    return (raw) => p.pushRx(raw, 5, -80);
  }
  if (driver === "kiss") {
    const p = new KissPeer(pipe);
    return (raw) => p.pushRx(raw, 5, -80);
  }
  const p = new ReplogPeer(pipe);
  return (raw) => p.logRx(raw, 5, -80);
}

async function run(driver: RadioConfig["driver"], transport: "pty" | "tcp") {
  const cleanups: (() => Promise<void>)[] = [];
  let send: Sender | null = null;
  let target: Pick<RadioConfig, "serial" | "tcp">;
  if (transport === "pty") {
    const pair = await ptyPair(tempDir("mg-bench-"));
    cleanups.push(() => pair.kill());
    const pipe = await openPeerSerial(pair.peer);
    cleanups.push(() => pipe.close());
    send = peerFor(driver, pipe);
    target = { serial: { path: pair.device } };
  } else {
    const server = await tcpRadio();
    cleanups.push(() => server.close());
    server.onConnection((pipe) => {
      send = peerFor(driver, pipe);
    });
    target = { tcp: { host: "127.0.0.1", port: server.port } };
  }
  const bus = new Bus();
  let resolveRx: (() => void) | null = null;
  bus.on("rx", () => resolveRx?.());
  const mgr = new RadioManager({
    radios: [
      { id: "b", driver, ...target, params: { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 } },
    ],
    bus,
    log: silentLogger(),
    clockSynced: () => true,
  });
  await mgr.start();
  await waitUntil(() => mgr.list()[0]?.state === "up", 10_000, "up");
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const got = new Promise<void>((r) => {
      resolveRx = r;
    });
    const t0 = performance.now();
    send!(PACKET);
    await got;
    times.push(performance.now() - t0);
  }
  await mgr.stop();
  for (const c of cleanups.reverse()) await c();
  times.sort((a, b) => a - b);
  const q = (p: number) =>
    times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  return `| ${driver} | ${transport} | ${N} | ${q(0.5)} | ${q(0.99)} | ${times.at(-1)!.toFixed(2)} |`;
}

const rows: string[] = [];
for (const [d, t] of [
  ["companion", "pty"],
  ["companion", "tcp"],
  ["kiss", "pty"],
  ["repeater-log", "pty"],
] as const) {
  rows.push(await run(d, t));
}
console.log(
  `Radio link latency, peer write -> bus "rx" (ms), ${new Date().toISOString().slice(0, 10)}, node ${process.version}\n`,
);
console.log("| driver | transport | packets | p50 | p99 | max |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log(
  "\nkiss waits for the RxMeta frame that follows each packet; repeater-log waits for the RX line after RAW (both arrive back to back here).",
);
process.exit(0);
