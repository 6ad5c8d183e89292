/** Decoder edge cases: typed errors with partial results, regions, channels, oddities. */
import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../daemon/core/bytes.ts";
import { airtimeMs } from "../../daemon/protocol/airtime.ts";
import { breakdown } from "../../daemon/protocol/breakdown.ts";
import { channelKey, channelKeysFromConfig } from "../../daemon/protocol/channels.ts";
import { channelHash, identityFromSeed } from "../../daemon/protocol/crypto.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import {
  buildAdvertPayload,
  buildGroupDataPayload,
  buildGroupTextPayload,
  encodePacket,
  regionScopeCode,
} from "../../daemon/protocol/encode.ts";
import { MAX_SUMMARY, routeHops, summarize, toJson } from "../../daemon/protocol/json.ts";

const none = { channels: [] };

function err(hex: string) {
  const r = decodePacket(hexToBytes(hex), none);
  if (r.ok) throw new Error("expected an error");
  return r;
}

describe("typed errors keep what decoded before the fault", () => {
  it("reports each framing fault with its offset", () => {
    expect(decodePacket(new Uint8Array(0), none)).toMatchObject({
      ok: false,
      error: { code: "E_EMPTY" },
    });
    expect(err("11").error).toMatchObject({ code: "E_TRUNCATED_HEADER", offset: 1 });
    // transport route (0) with only 2 of 4 code bytes
    expect(err("101234").error).toMatchObject({ code: "E_TRUNCATED_HEADER", offset: 3 });
    const reserved = err("11C1AA");
    expect(reserved.error).toMatchObject({ code: "E_PATH_RESERVED", offset: 1 });
    expect(reserved.partial).toMatchObject({
      route: 1,
      payloadType: 4,
      version: 0,
      pathLenByte: 0xc1,
    });
    // 0x7F: 63 hops of 2 bytes = 126 > 64
    expect(err(`117F${"00".repeat(130)}`).error.code).toBe("E_PATH_TOO_LONG");
    expect(err("1105AABB").error).toMatchObject({ code: "E_PATH_TRUNCATED", offset: 4 });
    expect(err("1102AABB").error).toMatchObject({ code: "E_NO_PAYLOAD", offset: 4 });
    expect(err(`1100${"00".repeat(185)}`).error.code).toBe("E_PAYLOAD_TOO_LONG");
    expect(decodePacket(new Uint8Array(256), none)).toMatchObject({
      error: { code: "E_TOO_LONG" },
    });
  });

  it("keeps header, path and hash when the payload is too short", () => {
    // flood ADVERT over 2 hops with only 10 payload bytes (needs 100)
    const r = err(`1102AABB${"00".repeat(10)}`);
    expect(r.error).toMatchObject({ code: "E_PAYLOAD_SHORT", offset: 14 });
    expect(r.partial.hopCount).toBe(2);
    expect(r.partial.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(toJson(r)).toMatchObject({
      payloadType: "ADVERT",
      path: { hashSize: 1, hops: ["aa", "bb"] },
      error: { code: "E_PAYLOAD_SHORT" },
    });
    expect(summarize(r)).toMatch(/^undecodable: E_PAYLOAD_SHORT/);
    const ranges = breakdown(hexToBytes(`1102AABB${"00".repeat(10)}`), r);
    expect(ranges.map((x) => x.field)).toEqual(["header", "pathLen", "hop", "hop", "undecoded"]);
  });
});

describe("versions and opaque types", () => {
  it("keeps packets of unknown versions raw (the firmware drops them unparsed)", () => {
    const r = decodePacket(hexToBytes("55FF0102"), none); // version 1, GRP_TXT, flood
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet).toMatchObject({ version: 1, payloadType: 5, hopCount: 0 });
    expect(r.packet.body).toEqual({ kind: "UNSUPPORTED_VERSION", data: hexToBytes("FF0102") });
  });

  it("passes RAW_CUSTOM and reserved types through", () => {
    const raw = decodePacket(hexToBytes("3E00CAFE"), none);
    expect(raw.ok && raw.packet.body).toEqual({ kind: "RAW_CUSTOM", data: hexToBytes("CAFE") });
    const reserved = decodePacket(hexToBytes("3200CAFE"), none); // type 0xC
    expect(reserved.ok && reserved.packet.body.kind).toBe("RESERVED");
  });
});

describe("channels", () => {
  it("tries every channel sharing a hash byte and lets the MAC decide", () => {
    // find two hashtag names with the same channel hash byte
    const byHash = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const name = `#c${i}`;
      const h = channelHash(channelKeysFromConfig([{ name }], false)[0]!.key);
      const other = byHash.get(h);
      if (other) pair = [other, name];
      else byHash.set(h, name);
    }
    const channels = channelKeysFromConfig(
      pair.map((name) => ({ name })),
      false,
    );
    const target = channels[1]!;
    expect(channels[0]!.hash).toBe(target.hash);
    const payload = buildGroupTextPayload({
      key: target.key,
      timestamp: 5,
      sender: "B",
      text: "x",
    });
    const raw = encodePacket({ route: 1, payloadType: 5, hashSize: 1, hops: [], payload });
    const r = decodePacket(raw, { channels });
    expect(r.ok && r.packet.body.kind === "GRP_TXT" && r.packet.body.decrypted?.channel).toBe(
      target.name,
    );
  });

  it("decrypts GRP_DATA with a custom hex key", () => {
    const ch = channelKey("custom", hexToBytes("00112233445566778899aabbccddeeff"));
    const payload = buildGroupDataPayload({
      key: ch.key,
      dataType: 0xffff,
      data: hexToBytes("0102"),
    });
    const r = decodePacket(
      encodePacket({ route: 2, payloadType: 6, hashSize: 1, hops: [], payload }),
      {
        channels: [ch],
      },
    );
    expect(r.ok && r.packet.body).toMatchObject({
      kind: "GRP_DATA",
      decrypted: {
        channel: "custom",
        dataType: 0xffff,
        data: hexToBytes("0102"),
        truncated: false,
      },
    });
  });

  it("never throws on a hand-made key too short for AES", () => {
    const bad = { name: "bad", key: new Uint8Array(5), hash: 0x11 };
    const r = decodePacket(
      hexToBytes("150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D"),
      { channels: [bad] },
    );
    expect(r.ok && r.packet.body.kind === "GRP_TXT" && r.packet.body.decrypted).toBeNull();
  });

  it("builds keys from config and rejects bad entries", () => {
    const keys = channelKeysFromConfig(
      [{ name: "#test" }, { name: "ops", key: "00".repeat(16) }],
      true,
    );
    expect(keys.map((k) => [k.name, k.hash])).toEqual([
      ["public", 0x11],
      ["#test", 0xd9],
      ["ops", channelHash(new Uint8Array(16))],
    ]);
    expect(() => channelKeysFromConfig([{ name: "x", key: "zz" }], false)).toThrow(
      /invalid channel/,
    );
  });
});

describe("regions", () => {
  it("names the configured region whose scope code matches", () => {
    const payload = hexToBytes("00010203040506");
    const code = regionScopeCode("#sf", 3, payload);
    const raw = encodePacket({
      route: 0,
      payloadType: 3,
      transportCodes: [code, 0],
      hashSize: 1,
      hops: [],
      payload,
    });
    const hit = decodePacket(raw, { channels: [], regions: ["#bay", "#sf"] });
    expect(hit.ok && hit.packet.region).toBe("#sf");
    expect(hit.ok && toJson(hit)).toMatchObject({ transportCodes: [code, 0], region: "#sf" });
    const miss = decodePacket(raw, { channels: [], regions: ["#bay"] });
    expect(miss.ok && miss.packet.region).toBeNull();
  });
});

describe("adverts", () => {
  const identity = identityFromSeed(new Uint8Array(32).fill(8));

  it("reports forged signatures and skips verification when asked", () => {
    const payload = buildAdvertPayload({ identity, timestamp: 100, role: 1, name: "A" });
    payload[40] = (payload[40] ?? 0) ^ 1; // damage the signature
    const raw = encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload });
    const r = decodePacket(raw, { channels: [] });
    expect(r.ok && r.packet.body.kind === "ADVERT" && r.packet.body.signatureValid).toBe(false);
    expect(summarize(r)).toBe('advert "A" chat (bad signature)');
    const s = decodePacket(raw, { channels: [], verifySignatures: false });
    expect(s.ok && s.packet.body.kind === "ADVERT" && s.packet.body.signatureValid).toBeNull();
  });

  it("marks app data too short for its flags, and ignores bytes past 32", () => {
    const base = buildAdvertPayload({ identity, timestamp: 1, role: 2 });
    const short = new Uint8Array([...base.subarray(0, 100), 0x12, 1, 2, 3]); // latlon flag, 3 bytes
    const r = decodePacket(
      encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload: short }),
      none,
    );
    expect(r.ok && r.packet.body).toMatchObject({
      appDataValid: false,
      lat: null,
      signatureValid: false,
    });
    const long = new Uint8Array([...base.subarray(0, 100), 0x82, ...new Array(40).fill(0x41)]);
    const l = decodePacket(
      encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload: long }),
      none,
    );
    expect(l.ok && l.packet.body).toMatchObject({ name: "A".repeat(31), ignoredBytes: 9 });
  });

  it("bounds hostile names in the summary", () => {
    const name = "\u0007\u001b[31mX".padEnd(31, "Y");
    const payload = buildAdvertPayload({ identity, timestamp: 1, role: 2, name });
    const r = decodePacket(
      encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload }),
      none,
    );
    const s = summarize(r);
    expect(s).not.toMatch(/[\u0000-\u001f]/);
    expect(s.length).toBeLessThanOrEqual(MAX_SUMMARY);
  });
});

describe("airtime (protocol doc section 7)", () => {
  it("matches the doc's example and the preamble/LDRO rules", () => {
    // 100 bytes at SF8 / 62.5 kHz / CR 4/8 is about 1.03 s
    expect(airtimeMs(100, { sf: 8, bwKHz: 62.5, cr: 8 })).toBeCloseTo(1033.2, 1);
    // SF11/250: Tsym 8.192 ms, no LDRO, preamble 16
    expect(airtimeMs(10, { sf: 11, bwKHz: 250, cr: 5 })).toBeCloseTo(
      (16 + 4.25 + 8 + 2 * 5) * 8.192,
      3,
    );
    // SF12/62.5: Tsym 65.5 ms > 16 -> LDRO halves the bits per symbol
    const ldro = airtimeMs(20, { sf: 12, bwKHz: 62.5, cr: 5 });
    expect(ldro).toBeCloseTo((16 + 4.25 + 8 + Math.ceil((160 - 48 + 44) / 40) * 5) * 65.536, 3);
    expect(airtimeMs(50, { sf: 7, bwKHz: 62.5, cr: 5, preamble: 8 })).toBeLessThan(
      airtimeMs(50, { sf: 7, bwKHz: 62.5, cr: 5 }),
    );
  });
});

describe("TRACE paths", () => {
  it("never reports SNR bytes as route hops", () => {
    const r = decodePacket(hexToBytes("260130A24D89BD0000000000FB"), none);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(routeHops(r.packet)).toEqual([]);
    expect(toJson(r).path).toEqual({ hashSize: 1, hops: [] });
    expect(toJson(r).snrs).toEqual([12]);
    const ack = decodePacket(hexToBytes("0D04B891647EBB40BA70"), none);
    expect(ack.ok && routeHops(ack.packet)).toEqual(["b8", "91", "64", "7e"]);
  });
});
