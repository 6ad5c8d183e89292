/**
 * Staying up: unplug/replug through a real pty, a radio that goes silent,
 * a half-open TCP link, and two radios in one daemon.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RadioStatus, RxPacket } from "../../daemon/core/types.ts";
import { type RadioConfig, RadioManager } from "../../daemon/radio/index.ts";
import { openPeerSerial, type PeerPipe, ptyPair, tempDir, waitUntil } from "../support/pty.ts";
import { CompanionPeer } from "../support/radio/companion-peer.ts";
import { KissPeer } from "../support/radio/kiss-peer.ts";
import { ReplogPeer } from "../support/radio/replog-peer.ts";
import { tcpRadio } from "../support/radio/tcp.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST = { baseMs: 50, capMs: 400, jitter: 0.3 };
const PACKET = Uint8Array.of(0x0d, 0x04, 0xb8, 0x91, 0x64, 0x7e, 0xbb, 0x40, 0xba, 0x70);

function manager(radios: RadioConfig[], pollIntervalMs?: number) {
  const bus = new Bus();
  const rx: RxPacket[] = [];
  const states: RadioStatus[] = [];
  bus.on("rx", (p) => rx.push(p));
  bus.on("radio", (s) => states.push(s));
  const mgr = new RadioManager({
    radios,
    bus,
    log: silentLogger(),
    clockSynced: () => true,
    backoff: FAST,
    pollIntervalMs,
  });
  cleanups.push(() => mgr.stop());
  return { mgr, rx, states, bus };
}

const stateOf = (mgr: RadioManager, id: string) => mgr.list().find((s) => s.id === id)?.state;

describe("radio link resilience", () => {
  const drivers: [
    RadioConfig["driver"],
    (pipe: PeerPipe) => (raw: Uint8Array, snr: number, rssi: number) => void,
  ][] = [
    [
      "companion",
      (pipe) => {
        const p = new CompanionPeer(pipe);
        return (r, s, q) => p.pushRx(r, s, q);
      },
    ],
    [
      "kiss",
      (pipe) => {
        const p = new KissPeer(pipe);
        return (r, s, q) => p.pushRx(r, s, q);
      },
    ],
    [
      "repeater-log",
      (pipe) => {
        const p = new ReplogPeer(pipe);
        return (r, s, q) => p.logRx(r, s, q);
      },
    ],
  ];
  it.each(drivers)(
    "%s: survives an unplug and replug of the serial device mid-stream",
    async (driver, mkPeer) => {
      const dir = tempDir();
      let pair = await ptyPair(dir);
      let pipe = await openPeerSerial(pair.peer);
      let send = mkPeer(pipe);
      const { mgr, rx, states } = manager([
        {
          id: "usb",
          driver,
          serial: { path: pair.device },
          commandTimeoutMs: 500,
          silentTimeoutSec: 30,
          params: { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 },
        },
      ]);
      await mgr.start();
      await waitUntil(() => stateOf(mgr, "usb") === "up", 10_000, "up");
      send(PACKET, 5, -90);
      await waitUntil(() => rx.length === 1, 5000, "first packet");

      // Unplug: the device node vanishes.
      await pipe.close();
      await pair.kill();
      await waitUntil(() => stateOf(mgr, "usb") !== "up", 10_000, "link noticed the unplug");
      // While it is gone, the link backs off and retries; nothing throws.
      await waitUntil(
        () => states.filter((s) => s.state === "backoff").length >= 3,
        10_000,
        "retries",
      );
      expect(mgr.list()[0]!.lastError).toBeTruthy();

      // Replug (a new pty behind the same stable link name, as /dev/serial/by-id gives).
      pair = await ptyPair(dir);
      cleanups.push(() => pair.kill());
      pipe = await openPeerSerial(pair.peer);
      cleanups.push(() => pipe.close());
      send = mkPeer(pipe);
      await waitUntil(() => stateOf(mgr, "usb") === "up", 10_000, "up again");
      // Back up: the unplug's error is no longer the radio's status.
      expect(mgr.list()[0]!.lastError).toBeNull();
      send(PACKET, 6, -80);
      await waitUntil(() => rx.length === 2, 5000, "packet after replug");
      expect(rx[1]).toMatchObject({ radioId: "usb", snr: 6, rssi: -80 });
      // Every retry waited within the backoff bound.
      const delays = states
        .map((s) => s.counters.backoffMs)
        .filter((d): d is number => d !== undefined);
      expect(delays.length).toBeGreaterThan(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(FAST.capMs);
      expect(mgr.list()[0]!.counters.reconnects).toBeGreaterThanOrEqual(3);
    },
  );

  it("reopens a radio that goes silent, and recovers when it talks again", async () => {
    const pair = await ptyPair(tempDir());
    cleanups.push(() => pair.kill());
    const pipe = await openPeerSerial(pair.peer);
    cleanups.push(() => pipe.close());
    const peer = new CompanionPeer(pipe);
    const { mgr, rx } = manager(
      [
        {
          id: "quiet",
          driver: "companion",
          serial: { path: pair.device },
          commandTimeoutMs: 300,
          silentTimeoutSec: 1,
        },
      ],
      200,
    );
    await mgr.start();
    await waitUntil(() => stateOf(mgr, "quiet") === "up", 10_000, "up");
    peer.opts.mute = true;
    await waitUntil(
      () => (mgr.list()[0]!.counters.silentReopens ?? 0) >= 1,
      10_000,
      "watchdog reopen",
    );
    expect(mgr.list()[0]!.lastError).toMatch(/no bytes|no reply/);
    peer.opts.mute = false;
    await waitUntil(() => stateOf(mgr, "quiet") === "up", 10_000, "up again");
    peer.pushRx(PACKET, 1, -100);
    await waitUntil(() => rx.length === 1, 5000, "packet after recovery");
  });

  it("reconnects a half-open TCP link (peer stops answering, socket stays open)", async () => {
    const server = await tcpRadio();
    cleanups.push(() => server.close());
    const peers: CompanionPeer[] = [];
    server.onConnection((pipe) => peers.push(new CompanionPeer(pipe)));
    const { mgr, rx } = manager(
      [
        {
          id: "tcp",
          driver: "companion",
          tcp: { host: "127.0.0.1", port: server.port },
          commandTimeoutMs: 300,
          silentTimeoutSec: 1,
        },
      ],
      200,
    );
    await mgr.start();
    await waitUntil(() => stateOf(mgr, "tcp") === "up", 10_000, "up");
    peers[0]!.opts.mute = true; // the far side is gone but never sent FIN
    await waitUntil(() => server.connections() >= 2, 10_000, "a fresh connection");
    await waitUntil(() => stateOf(mgr, "tcp") === "up", 10_000, "up on the new connection");
    peers.at(-1)!.pushRx(PACKET, 2, -70);
    await waitUntil(() => rx.length === 1, 5000, "packet on the new connection");
    expect(rx[0]!.radioId).toBe("tcp");
    expect(mgr.list()[0]!.counters.silentReopens).toBeGreaterThan(0);
  });

  it("reconnects when the TCP peer closes, with backoff while it is away", async () => {
    const server = await tcpRadio();
    const port = server.port;
    const { mgr, rx } = manager([
      { id: "t2", driver: "companion", tcp: { host: "127.0.0.1", port }, commandTimeoutMs: 300 },
    ]);
    server.onConnection((pipe) => new CompanionPeer(pipe));
    await mgr.start();
    await waitUntil(() => stateOf(mgr, "t2") === "up", 10_000, "up");
    await server.close();
    await waitUntil(() => stateOf(mgr, "t2") !== "up", 10_000, "down");
    await new Promise((r) => setTimeout(r, 500));
    const again = await tcpRadio(port);
    cleanups.push(() => again.close());
    const peers: CompanionPeer[] = [];
    again.onConnection((pipe) => peers.push(new CompanionPeer(pipe)));
    await waitUntil(() => stateOf(mgr, "t2") === "up", 10_000, "up again");
    peers[0]!.pushRx(PACKET, 3, -65);
    await waitUntil(() => rx.length === 1, 5000, "packet");
  });

  it("runs two radios at once, each with its own id and identity", async () => {
    const a = await ptyPair(tempDir());
    cleanups.push(() => a.kill());
    const server = await tcpRadio();
    cleanups.push(() => server.close());
    const pa = await openPeerSerial(a.peer);
    cleanups.push(() => pa.close());
    const peerA = new CompanionPeer(pa, { name: "Alpha" });
    const peersB: CompanionPeer[] = [];
    server.onConnection((pipe) => peersB.push(new CompanionPeer(pipe, { name: "Bravo" })));
    const { mgr, rx } = manager([
      { id: "a", driver: "companion", serial: { path: a.device }, commandTimeoutMs: 500 },
      {
        id: "b",
        driver: "companion",
        tcp: { host: "127.0.0.1", port: server.port },
        commandTimeoutMs: 500,
      },
    ]);
    await mgr.start();
    await waitUntil(
      () => stateOf(mgr, "a") === "up" && stateOf(mgr, "b") === "up",
      10_000,
      "both up",
    );
    expect(mgr.list().map((s) => [s.id, s.name])).toEqual([
      ["a", "Alpha"],
      ["b", "Bravo"],
    ]);
    peerA.pushRx(PACKET, 1, -91);
    peersB[0]!.pushRx(PACKET, 2, -92);
    await waitUntil(() => rx.length === 2, 5000, "both packets");
    const byRadio = Object.fromEntries(rx.map((p) => [p.radioId, p.rssi]));
    expect(byRadio).toEqual({ a: -91, b: -92 });
  });

  it("never busy-loops: a radio that drops right after each handshake backs off further each time", async () => {
    const server = await tcpRadio();
    cleanups.push(() => server.close());
    server.onConnection((pipe, sock) => {
      const peer = new CompanionPeer(pipe);
      // Hang up as soon as the host has finished its handshake (it asked for stats).
      const t = setInterval(() => {
        if (peer.commandCodes().includes(56)) {
          clearInterval(t);
          sock.destroy();
        }
      }, 5);
      sock.on("close", () => clearInterval(t));
    });
    const bus = new Bus();
    const delays: number[] = [];
    let ups = 0;
    bus.on("radio", (s) => {
      if (s.state === "up") ups++;
      if (s.state === "backoff") delays.push(s.counters.backoffMs!);
    });
    const mgr = new RadioManager({
      radios: [
        {
          id: "flap",
          driver: "companion",
          tcp: { host: "127.0.0.1", port: server.port },
          commandTimeoutMs: 500,
        },
      ],
      bus,
      log: silentLogger(),
      clockSynced: () => true,
      backoff: { baseMs: 20, capMs: 5000, jitter: 0.3 },
    });
    cleanups.push(() => mgr.stop());
    await mgr.start();
    await waitUntil(() => delays.length >= 5, 15_000, "five retries");
    expect(ups).toBeGreaterThanOrEqual(4);
    // With 30 % jitter, each doubled delay is still longer than the one before.
    for (let i = 1; i < 5; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);
  });
});
