/**
 * Bad input through a real pty, per driver: seeded random bytes, truncated
 * and oversized frames interleaved with good ones. Every good packet must
 * arrive with its SNR/RSSI; bad input is counted; the link stays up.
 */
import { describe, expect, it } from "vitest";
import type { RxPacket } from "../../daemon/core/types.ts";
import type { RadioManager } from "../../daemon/radio/index.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { CompanionPeer } from "../support/radio/companion-peer.ts";
import { KissPeer, slip } from "../support/radio/kiss-peer.ts";
import { ReplogPeer } from "../support/radio/replog-peer.ts";
import { radioOverPty } from "../support/radio/rig.ts";
import { randomBytes, rng } from "../support/rng.ts";
import { until } from "../support/wait.ts";

const cleanups = cleanupsAfterEach();

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 40 distinct good packets: header FLOOD|GRP_TXT, 0 hops, a counter and random bytes. */
function goodPackets(seed: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: 40 }, (_, i) =>
    Uint8Array.from([0x15, 0x00, i, ...randomBytes(r, 10 + Math.floor(r() * 100))]),
  );
}

/**
 * Waits for every good packet, checks each arrived with the SNR/RSSI it was
 * sent with and that the link stayed up; returns the link's counters.
 */
async function allGoodArrived(rig: { rx: RxPacket[]; mgr: RadioManager }, good: Uint8Array[]) {
  const { rx, mgr } = rig;
  await until(
    () => good.every((g) => rx.some((p) => Buffer.from(p.raw).equals(Buffer.from(g)))),
    10_000,
    "all good packets",
  );
  const want = good.map((g) => Buffer.from(g).toString("hex"));
  const got = rx.map((p) => Buffer.from(p.raw).toString("hex"));
  for (const w of want) expect(got).toContain(w);
  for (const [i, w] of want.entries()) {
    const p = rx[got.indexOf(w)]!;
    expect([p.snr, p.rssi]).toEqual([(i % 20) - 10, -60 - i]);
  }
  const st = mgr.list()[0]!;
  expect(st.state).toBe("up");
  return st.counters;
}

describe("garbage on the wire", () => {
  it("companion: good frames all arrive, bad ones are counted", async () => {
    const { peer, pipe, ...rig } = await radioOverPty(cleanups, "companion", CompanionPeer);
    const r = rng(11);
    const good = goodPackets(1);
    for (const [i, g] of good.entries()) {
      pipe.write(randomBytes(r, Math.floor(r() * 50))); // noise
      if (i % 5 === 0) {
        pipe.write(Uint8Array.of(0x3e, 0x40, 0x00, 0x88, 1, 2, 3)); // truncated: radio reset mid-frame
        await pause(400);
      }
      if (i % 7 === 0) pipe.write(Uint8Array.of(0x3e, 0xff, 0x7f, 0x88)); // oversized length
      peer.pushRx(g, (i % 20) - 10, -60 - i);
    }
    const counters = await allGoodArrived(rig, good);
    expect(counters.badFrames).toBeGreaterThanOrEqual(good.length / 5);
    expect(counters.resyncBytes).toBeGreaterThan(0);
  });

  it("kiss: good frames all arrive, bad ones are counted", async () => {
    const { peer, pipe, ...rig } = await radioOverPty(cleanups, "kiss", KissPeer);
    const r = rng(12);
    const good = goodPackets(2);
    for (const [i, g] of good.entries()) {
      pipe.write(Uint8Array.from([...randomBytes(r, Math.floor(r() * 50)), 0xc0])); // noise, then a FEND
      if (i % 5 === 0) pipe.write(Uint8Array.of(0xc0, 0x00, 0x15)); // truncated data frame
      if (i % 7 === 0) pipe.write(slip(0x00, new Uint8Array(400).fill(0x15))); // > 255-byte packet
      if (i % 9 === 0) pipe.write(Uint8Array.from([0xc0, ...new Uint8Array(3000).fill(0x33)])); // runaway
      peer.pushRx(g, (i % 20) - 10, -60 - i);
    }
    const counters = await allGoodArrived(rig, good);
    expect(counters.badFrames).toBeGreaterThanOrEqual(
      Math.floor(good.length / 7) + Math.floor(good.length / 9),
    );
  });

  it("repeater-log: good lines all arrive, bad ones are counted", async () => {
    const { peer, pipe, ...rig } = await radioOverPty(cleanups, "repeater-log", ReplogPeer);
    const r = rng(13);
    const good = goodPackets(3);
    for (const [i, g] of good.entries()) {
      pipe.write(
        Uint8Array.from([...randomBytes(r, Math.floor(r() * 50)).filter((b) => b !== 0x0a), 0x0a]),
      );
      if (i % 5 === 0) peer.print("12:00:00 - 1/1/2026 U RAW: 15001\r\n"); // truncated hex
      if (i % 7 === 0) peer.print(`${"X".repeat(3000)}\r\n`); // oversized line
      peer.logRx(g, (i % 20) - 10, -60 - i);
    }
    const counters = await allGoodArrived(rig, good);
    expect(counters.badFrames).toBeGreaterThanOrEqual(
      Math.floor(good.length / 5) + Math.floor(good.length / 7),
    );
  });
});
