/**
 * Seeded fuzz: 100,000 random and mutated-real buffers. decodePacket and its
 * views must never throw, and every failure must be one of the typed codes.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { breakdown } from "../../daemon/protocol/breakdown.ts";
import { channelKey } from "../../daemon/protocol/channels.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { MAX_SUMMARY, summarize, toJson } from "../../daemon/protocol/json.ts";
import type { DecodeErrorCode } from "../../daemon/protocol/types.ts";
import { GEN_CHANNELS, generate, mutate } from "../support/protocol/gen.ts";
import { TestRng } from "../support/rng.ts";

const CODES: readonly DecodeErrorCode[] = [
  "E_EMPTY",
  "E_TRUNCATED_HEADER",
  "E_TOO_LONG",
  "E_PATH_RESERVED",
  "E_PATH_TOO_LONG",
  "E_PATH_TRUNCATED",
  "E_NO_PAYLOAD",
  "E_PAYLOAD_TOO_LONG",
  "E_PAYLOAD_SHORT",
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpusFile = path.resolve(root, "../shared/corpus/corescope-fixture-packets.jsonl");

function seeds(r: TestRng): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (existsSync(corpusFile)) {
    for (const line of readFileSync(corpusFile, "utf8").trim().split("\n")) {
      out.push(new Uint8Array(Buffer.from((JSON.parse(line) as { raw: string }).raw, "hex")));
    }
  }
  for (let i = 0; i < 300; i++) out.push(generate(r).raw);
  return out;
}

describe("fuzz", () => {
  it("survives 100,000 random and mutated buffers with typed results only", () => {
    const r = new TestRng(0x5eed);
    const base = seeds(r);
    const ctx = {
      channels: GEN_CHANNELS.map((c) => channelKey(c.name, c.key)),
      regions: ["#sf", "#bay"],
    };
    const seen = new Set<string>();
    let ok = 0;
    for (let i = 0; i < 100_000; i++) {
      const buf = r.next() < 0.15 ? r.bytes(r.int(0, 300)) : mutate(r, r.pick(base));
      const res = decodePacket(buf, ctx);
      if (res.ok) {
        ok++;
        seen.add(res.packet.body.kind);
        if (res.packet.hash !== packetHash(buf)) throw new Error(`hash mismatch #${i}`);
      } else {
        seen.add(res.error.code);
        if (!CODES.includes(res.error.code)) throw new Error(`untyped error ${res.error.code}`);
        // plain checks in the hot loop: expect() per iteration would dominate the run time
        if (res.error.offset < 0 || res.error.offset > buf.length) {
          throw new Error(`offset ${res.error.offset} outside a ${buf.length}-byte buffer`);
        }
      }
      // the views must also survive anything; check a sample to keep the test quick
      if (i % 10 === 0) {
        if (summarize(res).length > MAX_SUMMARY) throw new Error("summary too long");
        JSON.stringify(toJson(res));
        const ranges = breakdown(buf, res);
        if (buf.length > 0 && ranges.at(-1)?.end !== buf.length) throw new Error("breakdown gap");
      }
    }
    // the mix really exercised both sides
    expect(ok).toBeGreaterThan(20_000);
    expect(ok).toBeLessThan(95_000);
    for (const k of [
      "ADVERT",
      "GRP_TXT",
      "TRACE",
      "CONTROL",
      "E_PATH_RESERVED",
      "E_PAYLOAD_SHORT",
    ]) {
      expect(seen.has(k), k).toBe(true);
    }
  });
});
