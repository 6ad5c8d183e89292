/**
 * 500 real observations (../shared/corpus) against their reference decode.
 * The reference comes from another implementation; where it disagrees with
 * the firmware, the firmware wins and the case is listed here with the reason.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toHex as hex } from "../../daemon/core/bytes.ts";
import { channelKeysFromConfig } from "../../daemon/protocol/channels.ts";
import { payloadTypeName } from "../../daemon/protocol/constants.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import type { DecodedPacket } from "../../daemon/protocol/types.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const file = path.resolve(root, "../shared/corpus/corescope-fixture-packets.jsonl");
const present = existsSync(file);

interface Row {
  raw: string;
  reference_decode: Record<string, unknown> & { type: string };
}

const rows: Row[] = present
  ? readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Row)
  : [];
const channels = channelKeysFromConfig(
  [{ name: "#test" }, { name: "#wardriving" }, { name: "#bot" }, { name: "#chat" }],
  true,
);

function decodeAll(): { row: Row; packet: DecodedPacket }[] {
  return rows.map((row) => {
    const r = decodePacket(new Uint8Array(Buffer.from(row.raw, "hex")), { channels });
    if (!r.ok) throw new Error(`${row.raw}: ${r.error.code} ${r.error.message}`);
    return { row, packet: r.packet };
  });
}

/** Reference type names mapped to ours. */
const REF_TYPE: Record<string, string> = {
  CHAN: "GRP_TXT", // the reference's name for a decrypted GRP_TXT
  // The reference does not know CONTROL; all four are DISCOVER_RESP from
  // repeaters (examples/simple_repeater/MyMesh.cpp onControlDataRecv).
  UNKNOWN: "CONTROL",
};

describe.skipIf(!present)("corpus (../shared/corpus, skipped when absent)", () => {
  it("decodes 500/500 without error to the reference's payload type", () => {
    const all = decodeAll();
    expect(all.length).toBe(500);
    for (const { row, packet } of all) {
      const want = REF_TYPE[row.reference_decode.type] ?? row.reference_decode.type;
      expect(payloadTypeName(packet.payloadType), row.raw).toBe(want);
      expect(packet.hash).toBe(packetHash(new Uint8Array(Buffer.from(row.raw, "hex"))));
    }
  });

  it("keeps the one version-3 packet raw instead of decoding it", () => {
    // d6...: header bits 6-7 = 3. The reference parses it as a GRP_TXT that
    // fails to decrypt; the firmware drops any version > 0 before reading the
    // path (src/Dispatcher.cpp checkRecv), and its path_len 0x65 (37 hops of
    // 2 bytes = 74 > 64) would not parse anyway.
    const v3 = decodeAll().filter(({ packet }) => packet.version !== 0);
    expect(v3.map(({ packet }) => [packet.body.kind, payloadTypeName(packet.payloadType)])).toEqual(
      [["UNSUPPORTED_VERSION", "GRP_TXT"]],
    );
  });

  it("decrypts the expected channel messages, matching sender, text and timestamp", () => {
    const counts: Record<string, number> = {};
    for (const { row, packet } of decodeAll()) {
      const ref = row.reference_decode;
      const b = packet.body;
      if (b.kind !== "GRP_TXT") continue;
      if (ref.type === "CHAN") {
        expect(b.decrypted, row.raw).not.toBeNull();
        const d = b.decrypted!;
        counts[d.channel] = (counts[d.channel] ?? 0) + 1;
        expect(d.channel).toBe(ref.channel);
        expect(b.channelHash).toBe(ref.channelHash);
        expect(d.sender).toBe(ref.sender);
        // the reference keeps "sender: text" whole
        expect(d.sender === null ? d.text : `${d.sender}: ${d.text}`).toBe(ref.text);
        expect(d.timestamp).toBe(ref.sender_timestamp);
      } else {
        expect(b.decrypted, row.raw).toBeNull();
        expect(b.channelHash).toBe(ref.channelHash);
        expect(hex(b.mac)).toBe(ref.mac);
        expect(hex(b.ciphertext)).toBe(ref.encryptedData);
      }
    }
    expect(counts).toEqual({ "#test": 35, "#wardriving": 17, "#bot": 14, public: 13, "#chat": 2 });
  });

  it("verifies every advert signature and agrees on every advert field", () => {
    let adverts = 0;
    for (const { row, packet } of decodeAll()) {
      const b = packet.body;
      if (b.kind !== "ADVERT") continue;
      adverts++;
      const ref = row.reference_decode as unknown as Record<string, unknown> & {
        flags: { raw: number; type: number };
      };
      // all 103 are genuine: no signature failure to explain
      expect(b.signatureValid, row.raw).toBe(true);
      expect(hex(b.publicKey)).toBe(ref.pubKey);
      expect(b.timestamp).toBe(ref.timestamp);
      expect(hex(b.signature)).toBe(ref.signature);
      expect(b.flags).toBe(ref.flags.raw);
      expect(b.role).toBe(ref.flags.type);
      expect(b.lat ?? undefined).toBe(ref.lat);
      expect(b.lon ?? undefined).toBe(ref.lon);
      expect(b.name ?? undefined).toBe(ref.name);
    }
    expect(adverts).toBe(103);
  });

  it("agrees on dest/src/MAC/ciphertext of peer packets and ANON_REQ", () => {
    let n = 0;
    for (const { row, packet } of decodeAll()) {
      const ref = row.reference_decode;
      const b = packet.body;
      if (b.kind === "REQ" || b.kind === "RESPONSE" || b.kind === "TXT_MSG" || b.kind === "PATH") {
        n++;
        expect(b.kind).toBe(ref.type);
        expect(hex(Uint8Array.of(b.destHash))).toBe(ref.destHash);
        expect(hex(Uint8Array.of(b.srcHash))).toBe(ref.srcHash);
        expect(hex(b.mac)).toBe(ref.mac);
        // PATH is still encrypted; the reference calls its ciphertext pathData
        expect(hex(b.ciphertext)).toBe(ref.encryptedData ?? ref.pathData);
      } else if (b.kind === "ANON_REQ") {
        n++;
        expect(hex(Uint8Array.of(b.destHash))).toBe(ref.destHash);
        expect(hex(b.senderPublicKey)).toBe(ref.ephemeralPubKey);
        expect(hex(b.mac)).toBe(ref.mac);
        expect(hex(b.ciphertext)).toBe(ref.encryptedData);
      }
    }
    expect(n).toBe(60 + 78 + 44 + 20 + 17);
  });

  it("decodes TRACE per the firmware where the reference does not", () => {
    // The reference reads TRACE with an older layout: 7 of 8 are "too short"
    // and one has a 3-byte tag plus dest/src hashes. src/Mesh.cpp
    // onRecvPacket reads tag u32, auth u32, flags, then route hashes of
    // 1 << (flags & 3) bytes, with the header path bytes as SNRs.
    const traces = decodeAll().filter(({ packet }) => packet.body.kind === "TRACE");
    expect(traces.length).toBe(8);
    const first = traces.find(({ row }) => row.raw.startsWith("26009489834a"));
    expect(first?.packet.body).toMatchObject({ tag: 0x4a838994, authCode: 0, flags: 0 });
    for (const { packet } of traces) {
      const b = packet.body;
      if (b.kind !== "TRACE") throw new Error("not a trace");
      expect(b.snrs.length).toBe(packet.hopCount);
      expect(b.routeHashes.length).toBeGreaterThan(0);
    }
  });

  it("decodes the four CONTROL packets as repeater DISCOVER_RESP", () => {
    const ctl = decodeAll().filter(({ packet }) => packet.body.kind === "CONTROL");
    expect(ctl.length).toBe(4);
    for (const { packet } of ctl) {
      const b = packet.body;
      if (b.kind !== "CONTROL") throw new Error("not control");
      expect(b.control).toMatchObject({ type: "DISCOVER_RESP", nodeType: 2 });
      if (b.control?.type === "DISCOVER_RESP") expect(b.control.publicKey.length).toBe(32);
    }
  });
});
