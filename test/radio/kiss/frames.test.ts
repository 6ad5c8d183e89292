import { describe, expect, it } from "vitest";
import { encodeKissFrame, KissDeframer } from "../../../daemon/radio/kiss/frames.ts";
import { slip } from "../../support/radio/kiss-peer.ts";
import { expectInOrder, framedStream, pushInRandomPieces } from "../../support/radio/stream.ts";
import { randomBytes, rng } from "../../support/rng.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("KISS framing", () => {
  it("encodes with a leading FEND and SLIP escapes", () => {
    // C0 -> DB DC, DB -> DB DD; type byte 00 = data on port 0.
    expect(hex(encodeKissFrame(0x00, Uint8Array.of(0x11, 0xc0, 0xdb, 0x01)))).toBe(
      "c00011dbdcdbdd01c0",
    );
    // SetHardware GetIdentity.
    expect(hex(encodeKissFrame(0x06, Uint8Array.of(0x01)))).toBe("c00601c0");
  });

  it("decodes frames split anywhere and drops empty frames from back-to-back FENDs", () => {
    const stream = Uint8Array.from([
      0xc0,
      0xc0,
      ...slip(0, [0x11, 0xc0, 0x02]),
      0xc0,
      ...slip(6, [0xf9, 0xe3, 0x9c]),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new KissDeframer();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(frames.map((f) => [f.command, hex(f.data)])).toEqual([
        [0, "11c002"],
        [6, "f9e39c"],
      ]);
      expect(d.counters.badFrames).toBe(0);
    }
  });

  it("counts frames for other ports and oversized frames, and resyncs after them", () => {
    const d = new KissDeframer();
    const big = new Uint8Array(600).fill(0x41);
    const frames = d.push(
      Uint8Array.from([...slip(0x10, [1, 2]), ...slip(0, big), ...slip(0, [0x15, 0x00, 0x07])]),
    );
    expect(frames.map((f) => hex(f.data))).toEqual(["150007"]);
    expect(d.counters.badFrames).toBe(2);
  });

  it("caps a frame that never ends and picks up at the next FEND", () => {
    const d = new KissDeframer();
    expect(d.push(Uint8Array.from([0xc0, 0x00, ...new Uint8Array(5000).fill(7)]))).toEqual([]);
    const frames = d.push(slip(0, [0x0d, 0x00, 0x01]));
    expect(frames.map((f) => hex(f.data))).toEqual(["0d0001"]);
    expect(d.counters.badFrames).toBe(1);
    expect(d.counters.resyncBytes).toBeGreaterThan(3000);
  });

  it("round-trips seeded random frames with random garbage and chunking", () => {
    const r = rng(99);
    const { bytes, contents } = framedStream(300, () => {
      const data = randomBytes(r, 2 + Math.floor(r() * 200));
      // Garbage lands between frames; a FEND after it makes it a frame of its own.
      const garbage = r() < 0.3 ? [...randomBytes(r, Math.floor(r() * 30)), 0xc0] : [];
      return { content: data, wire: [...encodeKissFrame(0, data), ...garbage] };
    });
    const d = new KissDeframer();
    const got = pushInRandomPieces(r, bytes, 80, (piece) =>
      d
        .push(piece)
        .filter((f) => f.command === 0)
        .map((f) => hex(f.data)),
    );
    expectInOrder(got, contents);
    expect(d.counters.badFrames).toBeGreaterThan(0);
  });
});
