import { describe, expect, it } from "vitest";
import {
  ByteReader,
  cString,
  fromHex,
  hexToBytes,
  i8,
  i32le,
  toHex,
  u16le,
  u32le,
  u32leBytes,
} from "../../daemon/core/bytes.ts";

describe("core bytes", () => {
  it("hex round-trips every byte value, lower by default, upper on request", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const lower = toHex(all);
    expect(lower.slice(0, 6)).toBe("000102");
    expect(lower.slice(-4)).toBe("feff");
    expect(toHex(all, true).slice(-4)).toBe("FEFF");
    expect(fromHex(lower)).toEqual(all);
    expect(fromHex(lower.toUpperCase())).toEqual(all);
  });

  it("fromHex refuses odd length and non-hex digits; hexToBytes skips whitespace and throws", () => {
    expect(fromHex("abc")).toBeNull();
    expect(fromHex("zz")).toBeNull();
    expect(fromHex("0g")).toBeNull();
    expect(fromHex("a ")).toBeNull();
    expect(fromHex("")).toEqual(new Uint8Array(0));
    expect(hexToBytes("de ad\nbe ef")).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(() => hexToBytes("xyz0")).toThrow(TypeError);
  });

  it("reads little-endian at an offset, zero past the end", () => {
    // 0x04030201 little-endian, then 0xff as int8 = -1.
    const b = new Uint8Array([1, 2, 3, 4, 0xff]);
    expect(u16le(b, 0)).toBe(0x0201);
    expect(u32le(b, 0)).toBe(0x04030201);
    expect(u32le(b, 1)).toBe(0xff040302);
    expect(i32le(b, 1)).toBe(0xff040302 | 0);
    expect(i8(b[4] ?? 0)).toBe(-1);
    expect(u16le(b, 10)).toBe(0);
    expect(u32leBytes(0x04030201)).toEqual(b.subarray(0, 4));
  });

  it("cString stops at the first NUL", () => {
    expect(cString(new TextEncoder().encode("hi\0junk"))).toBe("hi");
    expect(cString(new TextEncoder().encode("no nul"))).toBe("no nul");
  });

  it("ByteReader returns null past the end without consuming", () => {
    const r = new ByteReader(new Uint8Array([0x34, 0x12, 0xfe, 9, 9]), 0, 4);
    expect(r.u16()).toBe(0x1234);
    expect(r.i8()).toBe(-2);
    expect(r.u16()).toBeNull();
    expect(r.remaining).toBe(1);
    expect(r.bytes(1)).toEqual(new Uint8Array([9]));
    expect(r.u8()).toBeNull();
    expect(r.rest()).toEqual(new Uint8Array(0));
  });
});
