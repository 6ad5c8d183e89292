/**
 * Hostile bytes from a radio on a real pty (socat): a companion frame that
 * declares 100 bytes but carries 4, written in one go with the good frames
 * behind it, then seeded noise and implausible lengths. The good packets all
 * arrive, the bad frames are counted, and the link stays up.
 */
import { describe, expect, it } from "vitest";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { CompanionPeer } from "../support/radio/companion-peer.ts";
import { radioOverPty } from "../support/radio/rig.ts";
import { randomBytes, rng } from "../support/rng.ts";
import { until } from "../support/wait.ts";

const cleanups = cleanupsAfterEach();

const frame = (payload: number[]) => [0x3e, payload.length & 0xff, payload.length >> 8, ...payload];
const rxFrame = (raw: Uint8Array, snr: number, rssi: number) =>
  frame([0x88, (snr * 4) & 0xff, rssi & 0xff, ...raw]);

describe("hostile radio bytes (companion, real pty)", () => {
  it("an implausible length does not swallow the packets after it; garbage is counted", async () => {
    const { pipe, mgr, rx } = await radioOverPty(cleanups, "companion", CompanionPeer);

    const r = rng(19);
    const good = Array.from({ length: 30 }, (_, i) =>
      Uint8Array.from([0x15, 0x00, i, ...randomBytes(r, 30 + Math.floor(r() * 40))]),
    );
    // Bounded: 10 rounds of [100-declared/4-carried frame, 3 good frames, noise].
    for (let round = 0; round < 10; round++) {
      const bytes: number[] = [0x3e, 100, 0, 0x88, 1, 2, 3];
      for (let k = 0; k < 3; k++) bytes.push(...rxFrame(good[round * 3 + k]!, 4, -70));
      bytes.push(...randomBytes(r, 20), 0x3e, 0xff, 0xff); // noise, then an oversized length
      pipe.write(Uint8Array.from(bytes));
      await new Promise((res) => setTimeout(res, 50));
    }
    await until(
      () => good.every((g) => rx.some((p) => Buffer.from(p.raw).equals(Buffer.from(g)))),
      15_000,
      "every good packet",
    );
    const st = mgr.list()[0]!;
    expect(st.state).toBe("up");
    expect(st.counters.badFrames).toBeGreaterThanOrEqual(10);
    expect(st.counters.resyncBytes).toBeGreaterThan(0);
  }, 40_000);
});
