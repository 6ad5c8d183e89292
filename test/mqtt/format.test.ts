/**
 * The packets-feed message in the meshcoretomqtt shape: every value a
 * string, upper-case hex, firmware score and airtime, `path` only for the
 * direct addressed types. Vectors from the protocol notes (section 8).
 */
import { describe, expect, it } from "vitest";
import type { PacketItem } from "../../daemon/core/types.ts";
import {
  airtimeMs,
  packetMessage,
  packetScore,
  safeName,
  statusMessage,
} from "../../daemon/mqtt/format.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { RADIO_KEY, radioInfo } from "../support/mqtt/fixtures.ts";
import { rng } from "../support/rng.ts";

function item(rawHex: string, over: Partial<PacketItem> = {}): PacketItem {
  const raw = Buffer.from(rawHex, "hex");
  return {
    id: 1,
    hash: packetHash(raw) ?? "0000000000000000",
    raw: rawHex.toLowerCase(),
    receivedAt: "2026-03-05T07:08:09.123Z",
    radioId: "r1",
    payloadType: "ADVERT",
    route: "FLOOD",
    snr: -2.5,
    rssi: -95,
    hashSize: 1,
    hops: [],
    firstSeen: true,
    summary: "",
    error: null,
    ...over,
  };
}

// Flood ADVERT, 0 hops, repeater "WW7STR/PugetMesh Cougar" (hash 75b10cb12c391078).
const ADVERT =
  "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172";

describe("packetMessage", () => {
  it("renders a flood ADVERT with string values and upper hex", () => {
    const m = packetMessage(item(ADVERT), radioInfo(), "gw");
    const len = ADVERT.length / 2;
    expect(m).toEqual({
      origin: "Test Gateway Radio",
      origin_id: RADIO_KEY,
      timestamp: "2026-03-05T07:08:09.123Z",
      type: "PACKET",
      direction: "rx",
      time: "07:08:09", // HH:MM:SS
      date: "5/3/2026", // d/m/yyyy as the firmware's getLogDateTime
      len: String(len),
      packet_type: "4",
      route: "F",
      payload_len: String(len - 2), // header + path_len byte, no hops
      raw: ADVERT,
      SNR: "-2.5",
      RSSI: "-95",
      // SF7 threshold -7.5 dB: (5 / 10) * (1 - len / 256)
      score: String(Math.trunc(0.5 * (1 - len / 256) * 1000)),
      duration: String(Math.trunc(airtimeMs({ freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 }, len))),
      hash: "75B10CB12C391078",
    });
    expect(Object.values(m).every((v) => typeof v === "string")).toBe(true);
  });

  it("flags an undecodable packet instead of passing it off as valid", () => {
    // Header FLOOD|ADVERT claiming 5 one-byte hops, but only 2 bytes follow.
    const bad = packetMessage(item("1105AABB", { error: "E_TRUNCATED" }), radioInfo(), "gw");
    expect(bad.payload_len).toBeNull();
    expect(bad.decode_error).toBe("E_TRUNCATED");
    expect(bad.raw).toBe("1105AABB");
    // A good packet carries no such field.
    expect(packetMessage(item(ADVERT), radioInfo(), "gw")).not.toHaveProperty("decode_error");
  });

  it('adds path "src -> dest" for direct addressed packets only', () => {
    // REQ, route DIRECT (header 0x02), no hops, dest D1, src DE.
    const req = packetMessage(
      item("0200D1DEB01B2F8B72DD363AA4EF07E0BDA2266A8979"),
      radioInfo(),
      "gw",
    );
    expect(req.route).toBe("D");
    expect(req.packet_type).toBe("0");
    expect(req.path).toBe("DE -> D1");
    // TXT_MSG flood (header 0x09): no path.
    const txt = packetMessage(
      item("09046F17C47ED00A13E16AB5B94B1CC2D1A5059C6E5A6253C60D"),
      radioInfo(),
      "gw",
    );
    expect(txt.route).toBe("F");
    expect(txt.path).toBeUndefined();
    // TRANSPORT_DIRECT (route 3) TXT_MSG: transport codes, 1 hop AB, dest 11 src 22.
    const td = packetMessage(item("0B0102030401AB1122334455"), radioInfo(), "gw");
    expect(td.route).toBe("D");
    expect(td.payload_len).toBe("5");
    expect(td.path).toBe("22 -> 11");
    // Direct TRACE (not an addressed type): no path.
    const trace = packetMessage(item("260130A24D89BD0000000000FB"), radioInfo(), "gw");
    expect(trace.route).toBe("D");
    expect(trace.path).toBeUndefined();
  });

  it("uses null for what is unknown and never throws on malformed packets", () => {
    const m = packetMessage(
      item("15C0AABB", { snr: null, rssi: null }),
      radioInfo({ params: null }),
      "gw",
    );
    expect(m.SNR).toBeNull();
    expect(m.RSSI).toBeNull();
    expect(m.score).toBeNull();
    expect(m.duration).toBeNull();
    expect(m.payload_len).toBeNull(); // path_len 0xC0 is reserved: no payload found
    expect(m.len).toBe("4");
    // Seeded fuzz: random bytes in, a message with the fixed key set out.
    const r = rng(42);
    for (let n = 0; n < 500; n++) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(r() * 80) }, () => Math.floor(r() * 256)),
      );
      const out = packetMessage(item(bytes.toString("hex")), radioInfo(), "gw");
      expect(out.raw).toBe(bytes.toString("hex").toUpperCase());
      expect(Number(out.payload_len)).toBeLessThanOrEqual(bytes.length);
    }
  });

  it("bounds and cleans names from radios", () => {
    expect(safeName(`a\u0000b\nc${"x".repeat(200)}`, "fb")).toBe(`abc${"x".repeat(61)}`);
    expect(safeName("   ", "fb")).toBe("fb");
    expect(safeName(null, "fb")).toBe("fb");
    const m = packetMessage(item(ADVERT), radioInfo({ name: "\u0007" }), "my-gw");
    expect(m.origin).toBe("my-gw");
  });
});

describe("score and airtime", () => {
  it("matches the firmware score formula at its edges", () => {
    expect(packetScore(-7.5, 7, 0)).toBe(0); // at threshold
    expect(packetScore(-8, 7, 10)).toBe(0); // below
    expect(packetScore(20, 7, 0)).toBe(1); // clamped
    expect(packetScore(0, 12, 128)).toBe(1); // (20 / 10) * (1 - 128 / 256)
    expect(packetScore(-15, 12, 128)).toBeCloseTo(0.25, 6); // (5 / 10) * (1 - 128 / 256)
    expect(packetScore(5, 6, 10)).toBe(0); // SF below 7 has no table entry
  });

  it("gives about 1.03 s for 100 bytes at SF8 / 62.5 kHz / CR 4/8 (protocol notes section 7)", () => {
    expect(airtimeMs({ freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 }, 100)).toBeCloseTo(1033.2, 0);
  });
});

describe("statusMessage", () => {
  it("carries radio, model, firmware, client version and stats", () => {
    const s = statusMessage("online", radioInfo(), "gw", "1.2.3", Date.UTC(2026, 0, 1));
    expect(s).toEqual({
      status: "online",
      timestamp: "2026-01-01T00:00:00.000Z",
      origin: "Test Gateway Radio",
      origin_id: RADIO_KEY,
      radio: "910.525,62.5,7,5",
      model: "Heltec V3",
      firmware_version: "v1.16.0",
      client_version: "meshgate/1.2.3",
      stats: {
        battery_mv: 4100,
        uptime_secs: 3600,
        noise_floor: -112,
        tx_air_secs: 10,
        rx_air_secs: 300,
        recv_errors: 2,
        queue_len: 0,
      },
    });
  });
});
