/** Adapters from store rows and ingest inputs to MeshObservation, with protocol doc vectors. */
import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../daemon/core/bytes.ts";
import {
  advertFromRaw,
  advertHead,
  channelHashLabel,
  observationFromColumns,
  observationFromInput,
  observationFromRow,
  payloadOffset,
  RAW_TYPES,
} from "../../daemon/mesh/adapter.ts";
import type { ObservationInput, PacketRow } from "../../daemon/store/api.ts";
import { columnsOf } from "../../daemon/store/observation-columns.ts";

// protocol doc section 8: flood ADVERT, 0 hops, repeater "WW7STR/PugetMesh Cougar", signature valid
const ADVERT = hexToBytes(
  "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172",
);
const ADVERT_KEY = "7E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C9400";
// flood GRP_TXT on the public channel (channel hash 11)
const GRP = hexToBytes(
  "150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D",
);
// path_len 0x83: 3 hops of 3-byte hashes, #bot channel (hash CA)
const GRP3 = hexToBytes("15833fa002860ccae0eed9ca78b9ab0775d477c1f6490a398bf4edc75240");

function row(raw: Uint8Array, p: Partial<PacketRow>): PacketRow {
  return {
    id: 1,
    hash: "75b10cb12c391078",
    raw,
    radioId: "r0",
    at: 1,
    snr: 4,
    rssi: -90,
    payloadType: 4,
    route: 1,
    hashSize: 1,
    hops: [],
    firstSeen: true,
    summary: "",
    error: null,
    ...p,
  };
}

/** A flood advert as ingest hands it over (no SNR/RSSI), heard by r0 at 5; `p` overrides any field. */
function input(raw: Uint8Array, p: Partial<ObservationInput>): ObservationInput {
  return {
    hash: "75b10cb12c391078",
    raw,
    radioId: "r0",
    at: 5,
    snr: null,
    rssi: null,
    payloadType: 4,
    route: 1,
    version: 0,
    hashSize: 1,
    hops: [],
    error: null,
    summary: "",
    ...p,
  };
}

describe("adapter", () => {
  it("finds the payload after header, transport codes and path", () => {
    expect(payloadOffset(GRP)).toBe(2);
    expect(payloadOffset(GRP3)).toBe(2 + 9);
    expect(payloadOffset(hexToBytes("14"))).toBe(-1);
    expect(payloadOffset(hexToBytes("1503aabb"))).toBe(-1); // path runs past the end
    expect(channelHashLabel(GRP)).toBe("hash:11");
    expect(channelHashLabel(GRP3)).toBe("hash:ca");
  });

  it("takes an advert from raw only when its signature or key is trusted", () => {
    expect(advertFromRaw(ADVERT, {})).toBeUndefined();
    const a = advertFromRaw(ADVERT, { verifyAdverts: true });
    expect(a).toMatchObject({
      publicKey: ADVERT_KEY,
      role: 2,
      name: "WW7STR/PugetMesh Cougar",
      timestamp: 1758455660,
    });
    expect(a?.lat).toBeCloseTo(47.543968, 6);
    expect(a?.lon).toBeCloseTo(-122.108616, 6);
    expect(advertFromRaw(ADVERT, { trustedKey: (k) => k === ADVERT_KEY })?.publicKey).toBe(
      ADVERT_KEY,
    );
    const forged = ADVERT.slice();
    forged[40] = (forged[40] ?? 0) ^ 1; // flip a signature bit
    expect(advertFromRaw(forged, { verifyAdverts: true })).toBeUndefined();
    expect(advertFromRaw(hexToBytes("11"), { verifyAdverts: true })).toBeUndefined();
  });

  it("reads the advertiser's key and timestamp without decoding, and prefers the node table", () => {
    expect(advertHead(ADVERT)).toEqual({ publicKey: ADVERT_KEY, timestamp: 1758455660 });
    expect(advertHead(hexToBytes("1100aabb"))).toBeUndefined();
    const known = { publicKey: ADVERT_KEY, role: 2, lat: 1, lon: 2, name: "from table" };
    const o = observationFromRow(row(ADVERT, {}), {
      knownAdvert: (k) => (k === ADVERT_KEY ? known : undefined),
    });
    expect(o.advert).toEqual({ ...known, timestamp: 1758455660 });
    // An unknown key falls back to decoding, and is dropped when untrusted.
    expect(
      observationFromRow(row(ADVERT, {}), { knownAdvert: () => undefined }).advert,
    ).toBeUndefined();
  });

  it("maps a PacketRow, with the radio key from the caller", () => {
    const o = observationFromRow(row(ADVERT, { id: 9 }), {
      verifyAdverts: true,
      radioKey: () => "AB".repeat(32),
    });
    expect(o).toMatchObject({
      id: 9,
      hash: "75b10cb12c391078",
      radioKey: "AB".repeat(32),
      payloadType: 4,
      rawLength: ADVERT.length,
      advert: { publicKey: ADVERT_KEY },
    });
    const g = observationFromRow(row(GRP, { payloadType: 5 }));
    expect(g.channel).toBe("hash:11");
    expect(g.advert).toBeUndefined();
    expect(g.radioKey).toBeNull();
  });

  it("maps a columnar page row for row as it maps the rows, bytes kept only where read", () => {
    const rows = [
      row(ADVERT, { id: 3, hops: [] }),
      row(GRP, { id: 4, payloadType: 5, snr: null, hops: ["a1", "b2"] }),
      row(GRP3, { id: 7, payloadType: 5, rssi: null, hashSize: 3, hops: ["3fa002", "860cca"] }),
      row(hexToBytes("0900aabbccdd"), { id: 8, payloadType: 2, firstSeen: false, hops: ["c3"] }),
    ];
    const cols = columnsOf(rows, RAW_TYPES);
    expect(cols.raw.length).toBe(ADVERT.length + GRP.length + GRP3.length);
    const opts = { verifyAdverts: true, radioKey: () => "AB".repeat(32) };
    rows.forEach((r, i) => {
      expect(observationFromColumns(cols, i, opts)).toEqual(observationFromRow(r, opts));
    });
    expect(observationFromColumns(cols, 3).rawLength).toBe(6);
  });

  it("maps an ingest input with its verified advert and decrypted channel", () => {
    const o = observationFromInput(
      input(GRP, {
        hash: "b35e8ec0e974a30b",
        payloadType: 5,
        channelMessage: { channel: "public", sender: "Tree", text: "x", senderTimestamp: 1 },
      }),
      { id: 3, firstSeen: false },
      null,
    );
    expect(o).toMatchObject({ id: 3, firstSeen: false, channel: "public", rawLength: GRP.length });
    const a = observationFromInput(
      input(ADVERT, {
        advert: { publicKey: ADVERT_KEY, name: "n", role: 2, lat: 1, lon: 2, advertTimestamp: 7 },
      }),
      { id: 4, firstSeen: true },
      "CD".repeat(32),
    );
    expect(a.advert).toEqual({
      publicKey: ADVERT_KEY,
      role: 2,
      lat: 1,
      lon: 2,
      name: "n",
      timestamp: 7,
    });
    expect(a.radioKey).toBe("CD".repeat(32));
  });
});
