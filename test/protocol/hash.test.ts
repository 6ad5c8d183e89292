import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../daemon/core/bytes.ts";
import { packetHash, packetHashOf } from "../../daemon/protocol/hash.ts";

describe("packetHash (protocol doc section 3)", () => {
  it("matches the golden TRACE vector (path_len included as u16 LE)", () => {
    // 25 = flood TRACE, 02 = path_len (2 hops), AABB path, DEADBEEF payload
    expect(packetHash(hexToBytes("2502AABBDEADBEEF"))).toBe("b1baaf3bf0d0726c");
    expect(packetHashOf(9, 2, hexToBytes("DEADBEEF"))).toBe("b1baaf3bf0d0726c");
  });

  it("matches the section 8 advert and group-text hashes", () => {
    expect(
      packetHash(
        hexToBytes("150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D"),
      ),
    ).toBe("b35e8ec0e974a30b");
  });

  it("ignores route, transport codes and path for non-TRACE packets", () => {
    const flood = packetHash(hexToBytes("1102AABB0102030405"));
    const direct = packetHash(hexToBytes("1200" + "0102030405"));
    const transport = packetHash(hexToBytes("1012345678" + "01CC" + "0102030405"));
    expect(flood).toBe(direct);
    expect(flood).toBe(transport);
    expect(flood).toMatch(/^[0-9a-f]{16}$/);
  });

  it("returns null when header or path cannot be parsed", () => {
    expect(packetHash(new Uint8Array(0))).toBeNull();
    expect(packetHash(hexToBytes("11"))).toBeNull();
    expect(packetHash(hexToBytes("11C1AA"))).toBeNull(); // reserved hash size 0b11
    expect(packetHash(hexToBytes("1105AABB"))).toBeNull(); // path runs past the end
    expect(packetHash(hexToBytes(`117F${"00".repeat(200)}`))).toBeNull(); // 63 hops * 2 B > 64
  });
});
