import { describe, expect, it } from "vitest";
import { decryptChannel, hashtagKey } from "../../../daemon/protocol/crypto.ts";
import {
  advertPacket,
  advertToSign,
  channelTextPacket,
} from "../../../daemon/radio/kiss/packets.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const PUB = new Uint8Array(32).fill(0xab);

describe("packets built for a KISS modem", () => {
  it("asks the modem to sign pubkey + timestamp + app data, and lays the advert out", () => {
    const { signed, appData } = advertToSign(PUB, 0x68000000, { name: "GW" });
    // app data: flags 0x81 (has name | chat), "GW".
    expect(hex(appData)).toBe("814757");
    expect(hex(signed)).toBe(`${"ab".repeat(32)}00000068814757`);
    const sig = new Uint8Array(64).fill(0x11);
    const flood = advertPacket(PUB, 0x68000000, sig, appData, true);
    // header 0x11 = FLOOD | ADVERT << 2, path_len 0, then the payload.
    expect(hex(flood)).toBe(`1100${"ab".repeat(32)}00000068${"11".repeat(64)}814757`);
    expect(advertPacket(PUB, 1, sig, appData, false)[0]).toBe(0x12); // zero hop
  });

  it("adds the location and caps the advert name", () => {
    const { appData } = advertToSign(PUB, 1, {
      name: "A very long gateway name indeed",
      lat: 47.5,
      lon: -122.1,
    });
    expect(appData[0]).toBe(0x91); // name | location | chat
    expect(new TextDecoder().decode(appData.subarray(9))).toBe("A very long gateway ");
  });

  it("builds a GRP_TXT that decrypts to 'sender: text'", () => {
    const key = hashtagKey("#test");
    const p = channelTextPacket(key, 1_750_000_000, "GW", "hi there");
    expect(p[0]).toBe(0x15);
    const plain = decryptChannel(key, p.subarray(3))!;
    expect(new DataView(plain.buffer, plain.byteOffset).getUint32(0, true)).toBe(1_750_000_000);
    expect(new TextDecoder().decode(plain.subarray(5)).replace(/\0+$/, "")).toBe("GW: hi there");
  });
});
