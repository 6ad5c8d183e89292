/** Property test: decode(encode(x)) == x over seeded random valid packets. */
import { describe, expect, it } from "vitest";
import { breakdown } from "../../daemon/protocol/breakdown.ts";
import { channelKey } from "../../daemon/protocol/channels.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { packetSpecOf } from "../../daemon/protocol/encode.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { MAX_SUMMARY, summarize, toJson } from "../../daemon/protocol/json.ts";
import { GEN_CHANNELS, generate } from "../support/protocol/gen.ts";
import { TestRng } from "../support/rng.ts";

const channels = GEN_CHANNELS.map((c) => channelKey(c.name, c.key));

/** JSON-safe all the way down: no byte arrays or other objects that serialise oddly. */
function plain(v: unknown): boolean {
  if (v === null || ["string", "number", "boolean"].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(plain);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every(plain);
  }
  return false;
}

describe("decode(encode(x)) == x", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`holds for 1000 random valid packets (seed ${seed})`, () => {
      const r = new TestRng(seed);
      for (let i = 0; i < 1000; i++) {
        const g = generate(r);
        const res = decodePacket(g.raw, { channels });
        if (!res.ok) throw new Error(`seed ${seed} #${i}: ${res.error.code} ${res.error.message}`);
        expect(packetSpecOf(res.packet)).toEqual(g.spec);
        expect(res.packet.body).toMatchObject(g.expect);
        expect(res.packet.hash).toBe(packetHash(g.raw));
        expect(summarize(res).length).toBeLessThanOrEqual(MAX_SUMMARY);
        const json = toJson(res);
        expect(json.payloadType).toBeTypeOf("string");
        expect(plain(json), JSON.stringify(json)).toBe(true);
        const ranges = breakdown(g.raw, res);
        expect(ranges[0]?.start).toBe(0);
        expect(ranges.at(-1)?.end).toBe(g.raw.length);
        for (let k = 1; k < ranges.length; k++) expect(ranges[k]?.start).toBe(ranges[k - 1]?.end);
        // everything the decoder understood is labelled: no unexplained tail
        expect(ranges.some((x) => x.field === "rest")).toBe(false);
      }
    });
  }
});
