import { describe, expect, it } from "vitest";
import { makeDecoder, newDecodeCounters } from "../../daemon/app/decoder.ts";
import { hexToBytes } from "../../daemon/core/bytes.ts";
import { channelKeysFromConfig } from "../../daemon/protocol/channels.ts";

const ctx = { channels: channelKeysFromConfig([{ name: "#bot" }], true) };
const decode = makeDecoder(() => ctx);

// Vectors from the protocol reference, section 8.
const ADVERT =
  "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172";

describe("ingest decoder (protocol decode reduced to stored fields)", () => {
  it("turns a verified advert into a node upsert", () => {
    const f = decode(hexToBytes(ADVERT));
    expect(f.error).toBeNull();
    expect(f.hash).toBe("75b10cb12c391078");
    expect(f.payloadType).toBe(4);
    expect(f.advert).toMatchObject({
      publicKey: "7E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C9400",
      name: "WW7STR/PugetMesh Cougar",
      role: 2,
      advertTimestamp: 1758455660,
    });
    expect(f.advert!.lat).toBeCloseTo(47.543968, 6);
  });

  it("does not trust an advert whose signature fails", () => {
    const tampered = hexToBytes(ADVERT);
    tampered[tampered.length - 1]! ^= 1; // flip a bit of the name
    const f = decode(tampered);
    expect(f.advert).toBeUndefined();
    expect(f.error).toBeNull();
  });

  it("keeps decrypted channel text with its hops", () => {
    const f = decode(hexToBytes("15833fa002860ccae0eed9ca78b9ab0775d477c1f6490a398bf4edc75240"));
    expect(f.hops).toEqual(["3fa002", "860cca", "e0eed9"]);
    expect(f.hashSize).toBe(3);
    expect(f.channelMessage).toEqual({
      channel: "#bot",
      sender: "Roy B V4",
      text: "P",
      senderTimestamp: expect.any(Number),
    });
  });

  it("never reports TRACE SNR bytes as hops", () => {
    const f = decode(hexToBytes("260130A24D89BD0000000000FB"));
    expect(f.payloadType).toBe(9);
    expect(f.hops).toEqual([]);
  });

  it("gives an undecodable packet an error code and a stable 16-hex identity", () => {
    const f = decode(hexToBytes("11ff"));
    expect(f.error).toMatch(/^E_/);
    expect(f.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(decode(hexToBytes("11ff")).hash).toBe(f.hash);
    expect(decode(new Uint8Array()).error).toBe("E_EMPTY");
  });
});

describe("decode counters", () => {
  it("counts decrypted channel messages, bad signatures and unsupported versions", () => {
    const counters = newDecodeCounters();
    const counted = makeDecoder(() => ctx, counters);
    counted(hexToBytes("15833fa002860ccae0eed9ca78b9ab0775d477c1f6490a398bf4edc75240")); // #bot
    const tampered = hexToBytes(ADVERT);
    tampered[tampered.length - 1]! ^= 1;
    counted(tampered);
    counted(hexToBytes(ADVERT)); // verifies: not counted
    counted(hexToBytes("55FF0102")); // payload version 1
    counted(hexToBytes("11C1AA")); // reserved hash size: an error, counted by ingest
    expect(counters).toEqual({ decrypted: 1, badSignatures: 1, unsupportedVersion: 1 });
  });
});
