/** The packet byte breakdown, checked against the protocol doc's vectors. */
import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../daemon/core/bytes.ts";
import { breakdown, type Segment } from "../../web/src/bytes.ts";
import { rng } from "../../web/src/layout.ts";

const labels = (s: readonly Segment[]) => s.map((x) => `${x.label}@${x.start}-${x.end}`);

function covers(segs: readonly Segment[], n: number): boolean {
  let at = 0;
  for (const s of segs) {
    if (s.start !== at || s.end <= s.start) return false;
    at = s.end;
  }
  return at === n;
}

describe("breakdown", () => {
  it("splits a flood ADVERT with position and name (doc section 8, first vector)", () => {
    const raw =
      "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172";
    const b = hexToBytes(raw);
    const segs = breakdown(b);
    expect(covers(segs, b.length)).toBe(true);
    // header 0x11 = FLOOD (1) | ADVERT (4 << 2); path_len 0.
    expect(segs[0]).toMatchObject({ label: "header", note: "FLOOD ADVERT v0" });
    expect(labels(segs)).toEqual([
      "header@0-1",
      "path length@1-2",
      "public key@2-34",
      "timestamp@34-38",
      "signature@38-102",
      "app flags@102-103",
      "latitude, longitude@103-111",
      "name@111-134",
    ]);
    // flags 0x92: repeater, has position, has name.
    expect(segs[5]?.note).toBe("repeater");
    expect(new TextDecoder().decode(b.slice(111))).toBe("WW7STR/PugetMesh Cougar");
  });

  it("reads 3-byte path hashes from path_len 0x83", () => {
    const segs = breakdown(
      hexToBytes("15833fa002860ccae0eed9ca78b9ab0775d477c1f6490a398bf4edc75240"),
    );
    expect(segs[1]).toMatchObject({ label: "path length", note: "3 hops x 3 B" });
    expect(segs[2]).toMatchObject({ label: "path", start: 2, end: 11 });
    expect(labels(segs).slice(3)).toEqual(["channel hash@11-12", "MAC@12-14", "ciphertext@14-30"]);
  });

  it("treats TRACE path bytes as SNRs and splits tag, auth, flags, hashes", () => {
    const segs = breakdown(hexToBytes("260130A24D89BD0000000000FB"));
    expect(segs[0]?.note).toBe("DIRECT TRACE v0");
    expect(labels(segs)).toEqual([
      "header@0-1",
      "path length@1-2",
      "path SNRs@2-3",
      "tag@3-7",
      "auth@7-11",
      "flags@11-12",
      "route hashes@12-13",
    ]);
  });

  it("shows transport codes for TRANSPORT_FLOOD", () => {
    // header 0x14: route 0 (TRANSPORT_FLOOD), type 5 (GRP_TXT).
    const segs = breakdown(hexToBytes(`14aabbccdd0011c3c1${"00".repeat(16)}`));
    expect(labels(segs).slice(0, 3)).toEqual([
      "header@0-1",
      "transport codes@1-5",
      "path length@5-6",
    ]);
  });

  it("marks a truncated packet instead of throwing", () => {
    const segs = breakdown(hexToBytes(`1100${"7e".repeat(10)}`));
    expect(segs.at(-1)).toMatchObject({ kind: "invalid", start: 2, end: 12 });
    expect(breakdown(new Uint8Array(0))).toEqual([]);
  });

  it("never throws and always tiles the packet exactly (seeded fuzz)", () => {
    const r = rng(1234);
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(Math.floor(r() * 260));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256);
      const segs = breakdown(b);
      expect(covers(segs, b.length)).toBe(true);
    }
  });
});
