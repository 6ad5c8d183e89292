import { describe, expect, it } from "vitest";
import { plausibleFrame } from "../../../daemon/radio/companion/codec.ts";
import { CompanionDeframer, encodeCompanionFrame } from "../../../daemon/radio/companion/frames.ts";
import { expectInOrder, framedStream, pushInRandomPieces } from "../../support/radio/stream.ts";
import { randomBytes, rng } from "../../support/rng.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const out = (payload: number[]) =>
  Uint8Array.from([0x3e, payload.length & 0xff, payload.length >> 8, ...payload]);

describe("companion framing", () => {
  it("encodes host frames as '<' u16le length payload", () => {
    // DEVICE_QUERY with app protocol 3.
    expect(hex(encodeCompanionFrame(Uint8Array.of(0x16, 0x03)))).toBe("3c02001603");
    expect(() => encodeCompanionFrame(new Uint8Array(256))).toThrow(RangeError);
  });

  it("splits '>' frames across arbitrary chunk boundaries", () => {
    const stream = Uint8Array.from([
      ...out([0x00]),
      ...out([0x09, 1, 2, 3, 4]),
      ...out([0x88, 0xf4, 0xa0, 0x11, 0x00]),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new CompanionDeframer();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(frames.map(hex)).toEqual(["00", "0901020304", "88f4a01100"]);
    }
  });

  it("skips garbage before a frame and ignores zero-length frames", () => {
    const d = new CompanionDeframer();
    const frames = d.push(Uint8Array.from([1, 2, 3, 0x3e, 0, 0, 9, ...out([0x0a])]));
    expect(frames.map(hex)).toEqual(["0a"]);
    expect(d.counters.resyncBytes).toBe(4);
  });

  it("rejects an oversized length and resyncs one byte on", () => {
    const d = new CompanionDeframer();
    // '>' with length 0x3e01 (> 255); one byte on, the next '>' reads 0x013e
    // (> 255) too; then the good frame.
    const frames = d.push(Uint8Array.from([0x3e, 0x01, 0x3e, ...out([0x00])]));
    expect(frames.map(hex)).toEqual(["00"]);
    expect(d.counters.badFrames).toBe(2);
  });

  it("drops a stalled partial frame so it cannot swallow later frames", () => {
    const d = new CompanionDeframer();
    // A truncated frame whose buffered tail holds a complete good frame.
    expect(d.push(Uint8Array.from([0x3e, 0x40, 0x00, 0x88, 1, 2, ...out([0x0a])]))).toEqual([]);
    expect(d.pending).toBe(10);
    expect(d.dropPartial().map(hex)).toEqual(["0a"]);
    expect(d.pending).toBe(0);
    expect(d.push(out([0x09, 1, 2, 3, 4])).map(hex)).toEqual(["0901020304"]);
    expect(d.counters.badFrames).toBe(1);
    expect(d.dropPartial()).toEqual([]);
  });

  it("a frame declaring 100 bytes but carrying 4 does not swallow the good frames after it", () => {
    const rx = (n: number) => [
      0x88,
      0x10,
      0xa0,
      ...Array.from({ length: 40 }, (_, i) => (n + i) & 0x7f),
    ];
    const stream = Uint8Array.from([
      ...[0x3e, 100, 0, 0x88, 1, 2, 3],
      ...out(rx(1)),
      ...out(rx(2)),
      ...out(rx(3)),
    ]);
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const d = new CompanionDeframer({ accept: plausibleFrame });
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(frames.map(hex)).toEqual([rx(1), rx(2), rx(3)].map((f) => hex(Uint8Array.from(f))));
      expect(d.counters.badFrames).toBeGreaterThanOrEqual(1);
    }
  });

  it("survives seeded random garbage between good frames without losing one", () => {
    const r = rng(42);
    // Each good frame with 0..39 random bytes in front of it.
    const { bytes, contents } = framedStream(300, () => {
      const payload = [
        0x88,
        Math.floor(r() * 256),
        0xa0,
        ...randomBytes(r, 2 + Math.floor(r() * 150)),
      ];
      const garbage = randomBytes(r, Math.floor(r() * 40));
      return { content: Uint8Array.from(payload), wire: [...garbage, ...out(payload)] };
    });
    const d = new CompanionDeframer({ accept: plausibleFrame });
    const got = pushInRandomPieces(r, bytes, 64, (piece) => d.push(piece).map(hex));
    // Every good frame arrives, in order; what else came through is counted as plausible garbage.
    expectInOrder(got, contents);
    expect(d.counters.resyncBytes).toBeGreaterThan(0);
  });

  it("never throws and keeps its buffer bounded on pure noise", () => {
    const r = rng(7);
    const d = new CompanionDeframer();
    for (let i = 0; i < 2000; i++) d.push(randomBytes(r, 100));
    // Whatever is pending is at most one frame header plus the max payload.
    expect(d.pending).toBeLessThanOrEqual(3 + 255);
    expect(d.counters.resyncBytes).toBeGreaterThan(150_000);
  });
});
