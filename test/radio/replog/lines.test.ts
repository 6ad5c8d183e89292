import { describe, expect, it } from "vitest";
import * as lines from "../../../daemon/radio/replog/lines.ts";
import { randomBytes, rng } from "../../support/rng.ts";

describe("repeater console lines", () => {
  it("parses RAW lines (Dispatcher/MyMesh logRxRaw)", () => {
    const l = lines.parseConsoleLine("12:34:56 - 15/1/2025 U RAW: 0D04B891647EBB40BA70");
    expect(l.kind).toBe("raw");
    if (l.kind === "raw") expect(Buffer.from(l.raw).toString("hex")).toBe("0d04b891647ebb40ba70");
    expect(lines.parseConsoleLine("12:34:56 - 15/1/2025 U RAW: 0D0").kind).toBe("bad"); // odd digits
    expect(lines.parseConsoleLine("U RAW: 0D").kind).toBe("bad"); // shorter than a packet
    expect(lines.parseConsoleLine(`U RAW: ${"AA".repeat(256)}`).kind).toBe("bad");
    // CLI echo landing in the middle of a RAW line: the packet is lost, and counted.
    expect(lines.parseConsoleLine("U RAW: 0D04get nameB891").kind).toBe("bad");
    // ...but echo before the timestamp is harmless.
    expect(lines.parseConsoleLine("get na12:34:56 - 15/1/2025 U RAW: 0D04B891").kind).toBe("raw");
  });

  it("parses RX lines with and without the newer fields", () => {
    expect(
      lines.parseConsoleLine(
        "12:34:56 - 15/1/2025 U: RX, len=10 (type=3, route=F, payload_len=4) SNR=-12 RSSI=-118 score=1000 time=56 hash=75B10CB12C391078 [0A -> D0]",
      ),
    ).toEqual({ kind: "rx", len: 10, snr: -12, rssi: -118, hash: "75b10cb12c391078" });
    expect(
      lines.parseConsoleLine(
        "12:34:56 - 1/1/2025 U: RX, len=4 (type=5, route=D, payload_len=2) SNR=7 RSSI=-60 score=900",
      ),
    ).toEqual({
      kind: "rx",
      len: 4,
      snr: 7,
      rssi: -60,
      hash: null,
    });
    expect(lines.parseConsoleLine("U: RX, len=4 (garbled")).toMatchObject({
      kind: "rx",
      len: 4,
      snr: null,
      rssi: null,
    });
    expect(
      lines.parseConsoleLine("12:34:56 - 1/1/2025 U: TX, len=20 (type=4, route=F, payload_len=18)"),
    ).toEqual({ kind: "tx", len: 20 });
  });

  it("tells CLI replies from other output", () => {
    expect(lines.parseConsoleLine("  -> > Hilltop")).toEqual({ kind: "reply", text: "> Hilltop" });
    expect(lines.parseConsoleLine("get name")).toEqual({ kind: "other" });
    expect(lines.parseRadioReply("> 869.618,62.5,8,8")).toEqual({
      freqMHz: 869.618,
      bwKHz: 62.5,
      sf: 8,
      cr: 8,
    });
    expect(lines.parseRadioReply("Unknown command")).toBeNull();
    expect(lines.parseClockReply("12:34 - 15/1/2025 UTC")).toBe(
      Date.UTC(2025, 0, 15, 12, 34) / 1000,
    );
    expect(lines.parseClockReply("nonsense")).toBeNull();
    expect(lines.parseJsonReply('{"noise_floor":-117}')).toEqual({ noise_floor: -117 });
    expect(lines.parseJsonReply("{broken")).toBeNull();
    expect(lines.parseJsonReply("[1]")).toBeNull();
  });

  it("splits lines across chunks, strips CR and caps overlong lines", () => {
    const s = new lines.LineSplitter();
    expect(s.push(new TextEncoder().encode("ab\r\ncd"))).toEqual(["ab"]);
    expect(s.push(new TextEncoder().encode("e\r\n"))).toEqual(["cde"]);
    expect(s.push(new Uint8Array(5000).fill(0x41))).toEqual([]);
    expect(s.push(new TextEncoder().encode("tail\nnext\n"))).toEqual(["next"]);
    expect(s.counters.overlongLines).toBe(1);
  });

  it("never throws on seeded random bytes", () => {
    const r = rng(3);
    const s = new lines.LineSplitter();
    for (let i = 0; i < 500; i++)
      for (const l of s.push(randomBytes(r, 200))) lines.parseConsoleLine(l);
    expect(s.counters.lines + s.counters.overlongLines).toBeGreaterThan(0);
  });
});
