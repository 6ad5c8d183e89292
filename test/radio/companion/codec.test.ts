import { describe, expect, it } from "vitest";
import * as C from "../../../daemon/radio/companion/codec.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("companion codec", () => {
  it("SET_ADVERT_NAME cuts the name to 31 bytes on a character boundary", () => {
    expect([...C.cmdSetAdvertName("gw")]).toEqual([8, 0x67, 0x77]);
    // 15 two-byte characters fit (30 bytes); the 16th would make 32.
    const f = C.cmdSetAdvertName("é".repeat(20));
    expect(f.length).toBe(1 + 30);
    expect(new TextDecoder("utf-8", { fatal: true }).decode(f.subarray(1))).toBe("é".repeat(15));
  });

  it("SET_ADVERT_LATLON sends int32 millionths, 0 for no position", () => {
    const f = C.cmdSetAdvertLatLon(-0.000001, 180);
    const dv = new DataView(f.buffer);
    expect([f[0], dv.getInt32(1, true), dv.getInt32(5, true)]).toEqual([14, -1, 180_000_000]);
    expect([...C.cmdSetAdvertLatLon(null, null)]).toEqual([14, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("builds commands byte for byte", () => {
    expect(hex(C.cmdDeviceQuery())).toBe("1603");
    // APP_START: code, 7 reserved zero bytes, app name.
    expect(hex(C.cmdAppStart("mg"))).toBe("01000000000000006d67");
    expect(hex(C.cmdSetTime(0x68f00000))).toBe("060000f068");
    expect(hex(C.cmdSelfAdvert(true))).toBe("0701");
    expect(hex(C.cmdGetStats(2))).toBe("3802");
    // SET_RADIO_PARAMS: 869.525 MHz -> 869525 kHz, 250 kHz -> 250000 Hz, SF11, CR5.
    expect(hex(C.cmdSetRadioParams({ freqMHz: 869.525, bwKHz: 250, sf: 11, cr: 5 }))).toBe(
      "0b95440d0090d003000b05",
    );
    expect(hex(C.cmdChannelText(1, 1, new TextEncoder().encode("hi")))).toBe("030001010000006869");
  });

  it("parses LOG_RX_DATA with signed SNR*4 and RSSI", () => {
    const p = C.parseLogRx(Uint8Array.of(0x88, 0xe3, 0x9c, 0x11, 0x00, 0xaa))!;
    expect(p.snr).toBe(-7.25);
    expect(p.rssi).toBe(-100);
    expect(hex(p.raw)).toBe("1100aa");
    expect(C.parseLogRx(Uint8Array.of(0x88, 1, 2))).toBeNull();
  });

  it("parses a short (older firmware) SELF_INFO without params", () => {
    const f = new Uint8Array(40);
    f[0] = 5;
    f[2] = 20;
    f.fill(0xab, 4, 36);
    const s = C.parseSelfInfo(f)!;
    expect(s.publicKey).toBe("AB".repeat(32));
    expect(s.params).toBeNull();
    expect(s.name).toBe("");
  });

  it("bounds and cleans names from the radio", () => {
    const f = new Uint8Array(82);
    f[0] = 13;
    f.set(new TextEncoder().encode("Evil\u0007Model\nX"), 20);
    expect(C.parseDeviceInfo(f)!.model).toBe("EvilModelX");
  });

  it("merges the three GET_STATS replies", () => {
    let s = C.EMPTY_STATS;
    s = C.mergeStats(s, Uint8Array.of(24, 0, 0x10, 0x0e, 0x10, 0x0e, 0, 0, 0, 0, 3))!;
    s = C.mergeStats(s, Uint8Array.of(24, 1, 0x8c, 0xff, 0xa0, 20, 12, 0, 0, 0, 0x59, 1, 0, 0))!;
    s = C.mergeStats(s, Uint8Array.of(24, 2, ...new Array(24).fill(0)))!; // legacy 26-byte frame
    expect(s).toEqual({
      batteryMv: 3600,
      uptimeSecs: 3600,
      queueLen: 3,
      noiseFloorDbm: -116,
      txAirSecs: 12,
      rxAirSecs: 345,
      recvErrors: null,
    });
    expect(C.mergeStats(s, Uint8Array.of(24, 9))).toBeNull();
  });

  it("names errors and recognises plausible frames", () => {
    expect(C.replyError(Uint8Array.of(1, 6))).toBe("illegal argument");
    expect(C.replyError(Uint8Array.of(15))).toMatch(/disabled/);
    expect(C.replyError(Uint8Array.of(0))).toBeNull();
    expect(C.plausibleFrame(Uint8Array.of(0x55))).toBe(false);
    expect(C.plausibleFrame(Uint8Array.of(0x83))).toBe(true);
    expect(C.plausibleFrame(Uint8Array.of(0x88, 0, 0))).toBe(false);
  });
});
