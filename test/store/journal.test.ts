import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, crc32 } from "../../daemon/store/bytes.ts";
import {
  frame,
  JOURNAL_MAGIC,
  JOURNAL_MAGIC_V1,
  JOURNAL_MAGIC_V2,
  packRecords,
  parseJournal,
  unpackRecords,
} from "../../daemon/store/journal.ts";
import { decodeOp, encodeOp, type JournalOp } from "../../daemon/store/ops.ts";
import { rng } from "../support/rng.ts";
import { synthObs, V1_INGEST_HEX } from "../support/store.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

describe("bytes", () => {
  it("crc32 matches the IEEE check value", () => {
    // "123456789" -> 0xCBF43926 is the standard CRC-32 check value.
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("varints round-trip up to safe integers, zigzag for negatives", () => {
    const vals = [0, 1, 127, 128, 300, 2 ** 31, 1_770_000_000_000, 2 ** 52 - 1];
    const w = new ByteWriter(1);
    for (const v of vals) w.varint(v).svarint(-v).svarint(v);
    w.varint(Number.MAX_SAFE_INTEGER);
    const r = new ByteReader(w.finish());
    for (const v of vals) {
      expect(r.varint()).toBe(v);
      expect(r.svarint()).toBe(v === 0 ? 0 : -v);
      expect(r.svarint()).toBe(v);
    }
    expect(r.varint()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.remaining).toBe(0);
    // 300 = 0b10_0101100 -> AC 02
    expect([...new ByteWriter().varint(300).finish()]).toEqual([0xac, 0x02]);
  });

  it("reader refuses to read past the end", () => {
    expect(() => new ByteReader(new Uint8Array([0x80])).varint()).toThrow(RangeError);
    expect(() => new ByteReader(new Uint8Array([5, 1])).str()).toThrow(RangeError);
  });
});

describe("journal ops codec", () => {
  it("round-trips ingest records, first and repeat hearings", () => {
    const first = synthObs(7);
    const withExtras = {
      ...synthObs(8),
      decoded: { a: 1, b: ["x"] },
      channelMessage: {
        channel: "#test",
        sender: "alice",
        text: "hi ünïcode",
        senderTimestamp: 1_700_000_000,
      },
      advert: {
        publicKey: "AB".repeat(32),
        name: "node",
        role: 2,
        lat: 37.123456,
        lon: -122.5,
        advertTimestamp: 1_700_000_001,
        extras: { temp: 21.5 },
      },
    };
    const op: JournalOp = {
      kind: "ingest",
      seq: 42,
      rows: [
        { id: 1, firstSeen: true, obs: first },
        { id: 2, firstSeen: false, obs: { ...first, radioId: "r2", snr: 1.3, rssi: null } },
        { id: 3, firstSeen: true, obs: withExtras },
      ],
    };
    const back = decodeOp(encodeOp(op).finish());
    expect(back.kind).toBe("ingest");
    if (back.kind !== "ingest") return;
    expect(back.seq).toBe(42);
    expect(back.rows[0]).toEqual(op.rows[0]);
    // A repeat carries only the hearing: hash, radio, time, RF, path.
    expect(back.rows[1]?.obs).toMatchObject({
      hash: first.hash,
      radioId: "r2",
      snr: 1.3,
      rssi: null,
      hops: first.hops,
    });
    expect(back.rows[1]?.obs.raw.length).toBe(0);
    expect(back.rows[2]).toEqual(op.rows[2]);
  });

  it("round-trips meta, outbox and ack", () => {
    const ops: JournalOp[] = [
      { kind: "meta", seq: 1, key: "edges", value: '{"x":1}' },
      {
        kind: "outbox",
        seq: 2,
        items: [
          {
            id: 9,
            broker: "b",
            topic: "t/1",
            payload: "{}",
            qos: 1,
            retain: true,
            createdAt: 1_770_000_000_123,
          },
        ],
      },
      { kind: "ack", seq: 3, ids: [9, 10, 1_000_000] },
    ];
    for (const op of ops) expect(decodeOp(encodeOp(op).finish())).toEqual(op);
  });

  it("seeded fuzz: random bytes never decode silently into garbage without throwing or a valid op", () => {
    const rand = rng(1234);
    for (let i = 0; i < 2000; i++) {
      const buf = new Uint8Array(1 + Math.floor(rand() * 64));
      for (let k = 0; k < buf.length; k++) buf[k] = Math.floor(rand() * 256);
      try {
        const op = decodeOp(buf);
        expect(["ingest", "meta", "outbox", "ack"]).toContain(op.kind);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    }
  });
});

describe("journal ops codec, layouts", () => {
  const v1 = Uint8Array.from(Buffer.from(V1_INGEST_HEX, "hex"));

  it("reads an ingest record of the first layout", () => {
    const op = decodeOp(v1);
    expect(op.kind).toBe("ingest");
    if (op.kind !== "ingest") return;
    expect(op.seq).toBe(7);
    expect(op.rows.map((r) => [r.id, r.firstSeen, r.obs.radioId, r.obs.at])).toEqual([
      [41, true, "radio-A", 1_770_000_000_123],
      [42, false, "radio-B", 1_770_000_000_456],
      [43, true, "radio-A", 1_770_000_001_000],
    ]);
    expect(op.rows[0]?.obs).toMatchObject({
      hash: "00112233445566aa",
      snr: -2.25,
      rssi: -97,
      hops: ["a1", "b2"],
      summary: "#test: hi",
      channelMessage: { channel: "#test", sender: "al", text: "hi", senderTimestamp: 1769999999 },
    });
    expect([...(op.rows[0]?.obs.raw ?? [])]).toEqual([0x15, 0x02, 0xa1, 0xb2, 0xd9, 1, 2, 3]);
    expect(op.rows[1]?.obs).toMatchObject({ snr: null, rssi: -80, hops: ["a1"] });
    expect(op.rows[2]?.obs.advert).toEqual({
      publicKey: "AB".repeat(32),
      name: "n",
      role: 2,
      lat: 37.5,
      lon: -122.25,
      advertTimestamp: 1769990000,
      extras: { feature1: 3, feature2: null },
    });
  });

  it("writes the compact layout, which reads back to the same record and is smaller", () => {
    const op = decodeOp(v1);
    const again = encodeOp(op).finish();
    expect(again[0]).toBe(5);
    expect(decodeOp(again)).toEqual(op);
    expect(again.length).toBeLessThan(v1.length - 40);
  });

  it("keeps hops and keys that are not canonical hex as text", () => {
    const odd = {
      ...synthObs(3),
      hops: ["A1", "b2c", "zz", ""],
      advert: {
        publicKey: "ab".repeat(32),
        name: null,
        role: 1,
        lat: null,
        lon: null,
        advertTimestamp: 0,
      },
    };
    const mixed = { ...synthObs(4), hops: ["a1b2", "c3d4", "e5f6"] };
    const op: JournalOp = {
      kind: "ingest",
      seq: 1,
      rows: [
        { id: 10, firstSeen: true, obs: odd },
        { id: 9, firstSeen: true, obs: { ...mixed, at: odd.at - 5000 } },
      ],
    };
    expect(decodeOp(encodeOp(op).finish())).toEqual(op);
  });
});

describe("journal layout 2 packing", () => {
  const enc = new TextEncoder();
  const recs = (k: number) =>
    Array.from({ length: k }, (_, i) =>
      enc.encode(`record ${i} of a group commit, #test ${i % 7}`),
    );

  it("round-trips records through consecutive frames with a sliding dictionary", () => {
    let wd: Uint8Array = new Uint8Array(0);
    let rd: Uint8Array = new Uint8Array(0);
    for (let round = 0; round < 50; round++) {
      const batch = recs(1 + (round % 9));
      batch.push(new Uint8Array(round * 1000).fill(round)); // some frames larger than the window
      const p = packRecords(batch, wd);
      wd = p.dict;
      const u = unpackRecords(p.packed, rd);
      rd = u.dict;
      const hex = (r: Uint8Array) => Buffer.from(r).toString("hex");
      expect(u.records.map(hex)).toEqual(batch.map(hex));
      expect(hex(rd)).toBe(hex(wd));
      expect(wd.length).toBeLessThanOrEqual(32 * 1024);
    }
  });

  it("the dictionary makes repeated text cheap", () => {
    const first = packRecords(recs(20), new Uint8Array(0));
    const second = packRecords(recs(20), first.dict);
    expect(second.packed.length).toBeLessThan(first.packed.length / 3);
  });

  it("a file of frames reads back record by record; a cut keeps whole frames", () => {
    const batches = [recs(3), recs(1), recs(5)];
    let dict: Uint8Array = new Uint8Array(0);
    const frames: Uint8Array[] = [];
    for (const b of batches) {
      const p = packRecords(b, dict);
      dict = p.dict;
      frames.push(frame(p.packed));
    }
    const file = concat([JOURNAL_MAGIC_V2, ...frames]);
    const all = parseJournal(file);
    expect(all).toMatchObject({ torn: false, layout: 2, goodBytes: file.length, damage: [] });
    expect(all.frames.length).toBe(9);
    const ends = [4];
    for (const f of frames) ends.push(ends.at(-1)! + f.length);
    for (let cut = 0; cut <= file.length; cut++) {
      const p = parseJournal(file.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length - 1;
      const expected = batches.slice(0, Math.max(0, whole)).reduce((n, b) => n + b.length, 0);
      expect(p.frames.length).toBe(expected);
      expect(p.torn).toBe(cut !== 0 && !ends.includes(cut));
    }
  });

  it("a frame whose checksum matches but does not inflate ends the file, reported as damage", () => {
    const good = frame(packRecords(recs(2), new Uint8Array(0)).packed);
    const junk = frame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]));
    const p = parseJournal(concat([JOURNAL_MAGIC_V2, good, junk, good]));
    expect(p.frames.length).toBe(2);
    expect(p.torn).toBe(false);
    expect(p.goodBytes).toBe(4 + good.length);
    // Layout 2 frames depend on every earlier one: the rest of the file is lost.
    expect(p.damage).toEqual([
      { offset: 4 + good.length, bytes: junk.length + good.length, frames: 2 },
    ]);
  });
});

describe("journal framing (layout 1)", () => {
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array([9])];
  const file = concat([JOURNAL_MAGIC_V1, ...payloads.map(frame)]);

  it("frame = [len u32 LE][crc32 u32 LE][payload]", () => {
    // payload 01 02 03: length 3, CRC-32 0x55BC801D
    expect([...frame(new Uint8Array([1, 2, 3]))]).toEqual([
      3, 0, 0, 0, 0x1d, 0x80, 0xbc, 0x55, 1, 2, 3,
    ]);
  });

  it("reads every frame of an intact file", () => {
    const p = parseJournal(file);
    expect(p.torn).toBe(false);
    expect(p.frames.map((f) => [...f])).toEqual(payloads.map((x) => [...x]));
    expect(p.goodBytes).toBe(file.length);
  });

  it("a file cut at any byte keeps exactly the whole frames before the cut", () => {
    const ends = [4];
    for (const p of payloads) ends.push(ends.at(-1)! + 8 + p.length);
    for (let cut = 0; cut <= file.length; cut++) {
      const p = parseJournal(file.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length - 1;
      expect(p.frames.length).toBe(Math.max(0, whole));
      expect(p.torn).toBe(cut !== 0 && !ends.includes(cut));
    }
  });

  it("a flipped bit in a frame drops that frame only, reported as damage", () => {
    const bad = file.slice();
    bad[4 + 8 + 3 + 8 + 100]! ^= 0x10; // inside the second payload
    const p = parseJournal(bad);
    expect(p.frames.map((f) => f.length)).toEqual([3, 1]);
    expect(p.torn).toBe(false);
    expect(p.damage).toEqual([{ offset: 4 + 8 + 3, bytes: 8 + 300, frames: 1 }]);
  });

  it("a flipped bit in the last frame is a torn tail (nothing good follows)", () => {
    const bad = file.slice();
    bad[file.length - 1]! ^= 0x01;
    expect(parseJournal(bad)).toMatchObject({ torn: true, damage: [], goodBytes: file.length - 9 });
  });

  it("a huge bogus length is treated as torn, not allocated", () => {
    for (const magic of [JOURNAL_MAGIC_V1, JOURNAL_MAGIC_V2, JOURNAL_MAGIC]) {
      const bad = concat([magic, new Uint8Array([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])]);
      expect(parseJournal(bad)).toMatchObject({ torn: true, goodBytes: 4 });
    }
  });

  it("a file with an unknown header is torn from its first byte", () => {
    expect(parseJournal(new TextEncoder().encode("MGJ9xxxx"))).toMatchObject({
      torn: true,
      goodBytes: 0,
      layout: 0,
    });
  });
});
