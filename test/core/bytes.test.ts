import { describe, expect, it } from "vitest";
import * as bytes from "../../daemon/core/bytes.ts";

describe("core bytes", () => {
  it("hex round-trips every byte value, lower by default, upper on request", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const lower = bytes.toHex(all);
    expect(lower.slice(0, 6)).toBe("000102");
    expect(lower.slice(-4)).toBe("feff");
    expect(bytes.toHex(all, true).slice(-4)).toBe("FEFF");
    expect(bytes.fromHex(lower)).toEqual(all);
    expect(bytes.fromHex(lower.toUpperCase())).toEqual(all);
  });

  it("fromHex refuses odd length and non-hex digits; hexToBytes skips whitespace and throws", () => {
    expect(bytes.fromHex("abc")).toBeNull();
    expect(bytes.fromHex("zz")).toBeNull();
    expect(bytes.fromHex("0g")).toBeNull();
    expect(bytes.fromHex("a ")).toBeNull();
    expect(bytes.fromHex("")).toEqual(new Uint8Array(0));
    expect(bytes.hexToBytes("de ad\nbe ef")).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(() => bytes.hexToBytes("xyz0")).toThrow(TypeError);
  });

  it("reads little-endian at an offset, zero past the end", () => {
    // 0x04030201 little-endian, then 0xff as int8 = -1.
    const b = new Uint8Array([1, 2, 3, 4, 0xff]);
    expect(bytes.u16le(b, 0)).toBe(0x0201);
    expect(bytes.u32le(b, 0)).toBe(0x04030201);
    expect(bytes.u32le(b, 1)).toBe(0xff040302);
    expect(bytes.i32le(b, 1)).toBe(0xff040302 | 0);
    expect(bytes.i8(b[4] ?? 0)).toBe(-1);
    expect(bytes.u16le(b, 10)).toBe(0);
    expect(bytes.u32leBytes(0x04030201)).toEqual(b.subarray(0, 4));
  });

  it("cString stops at the first NUL", () => {
    expect(bytes.cString(new TextEncoder().encode("hi\0junk"))).toBe("hi");
    expect(bytes.cString(new TextEncoder().encode("no nul"))).toBe("no nul");
  });

  it("ByteReader returns null past the end without consuming", () => {
    const r = new bytes.ByteReader(new Uint8Array([0x34, 0x12, 0xfe, 9, 9]), 0, 4);
    expect(r.u16()).toBe(0x1234);
    expect(r.i8()).toBe(-2);
    expect(r.u16()).toBeNull();
    expect(r.remaining).toBe(1);
    expect(r.bytes(1)).toEqual(new Uint8Array([9]));
    expect(r.u8()).toBeNull();
    expect(r.rest()).toEqual(new Uint8Array(0));
  });
});
