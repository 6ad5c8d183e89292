import { describe, expect, it } from "vitest";
import { hexToBytes, toHex } from "../../daemon/core/bytes.ts";
import {
  decryptChannel,
  hashtagKey,
  identityFromSeed,
  PUBLIC_CHANNEL_KEY,
  verify,
} from "../../daemon/protocol/crypto.ts";
import * as encode from "../../daemon/protocol/encode.ts";
import { PacketEncodeError } from "../../daemon/protocol/errors.ts";

describe("encodePacket", () => {
  it("rebuilds the section 8 ACK and TRACE vectors byte for byte", () => {
    // 0D = flood ACK, 04 hops B8 91 64 7E, ack BB40BA70 (LE u32 0x70BA40BB)
    const ack = encode.encodePacket({
      route: 1,
      payloadType: 3,
      hashSize: 1,
      hops: [0xb8, 0x91, 0x64, 0x7e].map((b) => Uint8Array.of(b)),
      payload: encode.buildAckPayload(0x70ba40bb),
    });
    expect(toHex(ack)).toBe("0d04b891647ebb40ba70");
    // 26 = direct TRACE, one SNR byte 0x30, tag 0xBD894DA2, auth 0, flags 0, route FB
    const trace = encode.encodePacket({
      route: 2,
      payloadType: 9,
      hashSize: 1,
      hops: [Uint8Array.of(0x30)],
      payload: encode.buildTracePayload({
        tag: 0xbd894da2,
        auth: 0,
        flags: 0,
        routeHashes: Uint8Array.of(0xfb),
      }),
    });
    expect(toHex(trace)).toBe("260130a24d89bd0000000000fb");
  });

  it("rebuilds the section 8 REQ and DISCOVER_RESP vectors", () => {
    const req = hexToBytes("0200D1DEB01B2F8B72DD363AA4EF07E0BDA2266A8979");
    const built = encode.encodePacket({
      route: 2,
      payloadType: 0,
      hashSize: 1,
      hops: [],
      payload: encode.buildDirectPayload({
        destHash: 0xd1,
        srcHash: 0xde,
        mac: req.subarray(4, 6),
        ciphertext: req.subarray(6),
      }),
    });
    expect(toHex(built)).toBe(toHex(req));
    const resp = hexToBytes(
      "2E0092DC35333E5B4FBB374D26E77A3AF0A0E3D34A7174131BBEBF2341EE948B6F4B13CF800C928F",
    );
    const payload = encode.buildControlDiscoverResp({
      nodeType: 2,
      snr: -9,
      tag: 0x5b3e3335,
      publicKey: resp.subarray(8),
    });
    expect(
      toHex(encode.encodePacket({ route: 2, payloadType: 11, hashSize: 1, hops: [], payload })),
    ).toBe(toHex(resp));
  });

  it("writes path_len with hash size and transport codes", () => {
    const pkt = encode.encodePacket({
      route: 0,
      payloadType: 5,
      transportCodes: [0x1234, 0],
      hashSize: 3,
      hops: [hexToBytes("3fa002"), hexToBytes("860cca")],
      payload: Uint8Array.of(1, 2, 3),
    });
    expect(toHex(pkt)).toBe("14" + "34120000" + "82" + "3fa002860cca" + "010203");
  });

  it("throws a typed error on specs the wire cannot carry", () => {
    const base = {
      route: 1,
      payloadType: 4,
      hashSize: 1 as const,
      hops: [],
      payload: new Uint8Array(10),
    };
    expect(() => encode.encodePacket({ ...base, payload: new Uint8Array(185) })).toThrow(
      PacketEncodeError,
    );
    expect(() =>
      encode.encodePacket({ ...base, hashSize: 2, hops: Array(33).fill(new Uint8Array(2)) }),
    ).toThrow(PacketEncodeError);
    expect(() => encode.encodePacket({ ...base, hops: [new Uint8Array(2)] })).toThrow(
      PacketEncodeError,
    );
    expect(() => encode.encodePacket({ ...base, route: 0 })).toThrow(PacketEncodeError);
    expect(() => encode.encodePacket({ ...base, payloadType: 16 })).toThrow(PacketEncodeError);
    // the largest legal spec (transport codes, 64 path bytes, 184 payload) is 254 bytes
    const max = encode.encodePacket({
      ...base,
      route: 0,
      transportCodes: [1, 2],
      hops: Array(63).fill(new Uint8Array(1)),
      payload: new Uint8Array(184),
    });
    expect(max.length).toBe(253);
  });
});

describe("payload builders", () => {
  it("signs adverts over pubkey + timestamp + app data", () => {
    const identity = identityFromSeed(new Uint8Array(32).fill(5));
    const p = encode.buildAdvertPayload({
      identity,
      timestamp: 1758455660,
      role: 2,
      lat: 47.543968,
      lon: -122.108616,
      name: "Node",
    });
    expect(toHex(p.subarray(0, 32))).toBe(toHex(identity.publicKey));
    const appData = p.subarray(100);
    expect(appData[0]).toBe(0x80 | 0x10 | 2);
    const signed = new Uint8Array([...p.subarray(0, 36), ...appData]);
    expect(verify(identity.publicKey, signed, p.subarray(36, 100))).toBe(true);
    expect(new DataView(appData.buffer, appData.byteOffset).getInt32(1, true)).toBe(47543968);
    expect(() =>
      encode.buildAdvertPayload({ identity, timestamp: 1, role: 1, name: "x".repeat(40) }),
    ).toThrow(PacketEncodeError);
  });

  it("builds group text that the channel key opens", () => {
    const key = hashtagKey("#test");
    const p = encode.buildGroupTextPayload({ key, timestamp: 1000, sender: "Alice", text: "hi" });
    expect(p[0]).toBe(0xd9); // #test channel hash (corpus: channelHashHex D9)
    const plain = decryptChannel(key, p.subarray(1))!;
    expect(new TextDecoder().decode(plain.subarray(5, 14))).toBe("Alice: hi");
    expect(decryptChannel(PUBLIC_CHANNEL_KEY, p.subarray(1))).toBeNull();
  });

  it("computes region scope codes in 1..0xFFFE, same for '#x' and 'x'", () => {
    const payload = hexToBytes("0102030405");
    const a = encode.regionScopeCode("#sf", 5, payload);
    expect(encode.regionScopeCode("sf", 5, payload)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(1);
    expect(a).toBeLessThanOrEqual(0xfffe);
    expect(encode.regionScopeCode("#sf", 4, payload)).not.toBe(a);
  });
});
