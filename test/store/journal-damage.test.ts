/**
 * Layout 3: frame groups make damage cost one group at most, and replay tells
 * damage (bad bytes with good frames after them) from a torn tail.
 */
import { describe, expect, it } from "vitest";
import {
  type FrameState,
  JOURNAL_MAGIC,
  packFrame,
  parseJournal,
  scanJournal,
} from "../../daemon/store/journal-format.ts";
import { rng } from "../support/rng.ts";

const enc = new TextEncoder();
const hex = (r: Uint8Array) => Buffer.from(r).toString("hex");

/** A file of `n` frames (1-4 records each) in groups of about `group` record bytes. */
function build(n: number, group: number) {
  const rand = rng(99);
  const parts: Uint8Array[] = [JOURNAL_MAGIC];
  const records: string[] = [];
  /** Per record: its frame and its group. */
  const where: { frame: number; group: number }[] = [];
  const ends: number[] = [];
  let off = JOURNAL_MAGIC.length;
  let state: FrameState | null = null;
  let g = -1;
  for (let f = 0; f < n; f++) {
    const k = 1 + Math.floor(rand() * 4);
    const batch = Array.from({ length: k }, (_, i) =>
      enc.encode(`record ${f}.${i} #test radio-A snr ${Math.floor(rand() * 40)}`),
    );
    const prev: FrameState | null = state;
    const p = packFrame(batch, prev, group);
    if (prev === null || prev.groupBytes >= group) g++;
    state = p.state;
    parts.push(p.bytes);
    off += p.bytes.length;
    ends.push(off);
    for (const r of batch) {
      records.push(hex(r));
      where.push({ frame: f, group: g });
    }
  }
  return { file: Buffer.concat(parts), records, where, ends, groups: g + 1 };
}

describe("journal layout 3", () => {
  it("reads back every record; groups restart the dictionary", () => {
    const b = build(60, 400);
    const p = parseJournal(b.file);
    expect(p).toMatchObject({ layout: 3, torn: false, damage: [], goodBytes: b.file.length });
    expect(p.frames.map(hex)).toEqual(b.records);
    expect(b.groups).toBeGreaterThan(5);
  });

  it("scanJournal hands over one frame's records at a time; what the callback throws is not damage", () => {
    const b = build(30, 400);
    const calls: string[][] = [];
    const s = scanJournal(b.file, (records) => calls.push(records.map(hex)));
    expect(s).toMatchObject({ layout: 3, torn: false, damage: [], goodBytes: b.file.length });
    const perFrame = Array.from(
      { length: 30 },
      (_, f) => b.where.filter((w) => w.frame === f).length,
    );
    expect(calls.map((c) => c.length)).toEqual(perFrame);
    expect(calls.flat()).toEqual(b.records);
    let n = 0;
    const failing = () =>
      scanJournal(b.file, () => {
        if (++n === 5) throw new Error("apply failed");
      });
    expect(failing).toThrow("apply failed");
    expect(n).toBe(5);
  });

  it("one flipped byte anywhere loses at most the rest of its group, and says so", () => {
    const b = build(40, 400);
    const lastGroupStart = b.where.findIndex((w) => w.group === b.groups - 1);
    const lastGroupOffset = b.ends[b.where[lastGroupStart]!.frame - 1]!;
    for (let at = 4; at < b.file.length; at++) {
      const bad = Buffer.from(b.file);
      bad[at]! ^= 0x20;
      const p = parseJournal(bad);
      const got = p.frames.map(hex);
      // What comes back is the original records in order, minus one run.
      const lost = b.records
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => !got.includes(r))
        .map(({ i }) => i);
      expect(got).toEqual(b.records.filter((_, i) => !lost.includes(i)));
      const frame = b.ends.findIndex((e) => e > at);
      const groupOf = b.where.find((w) => w.frame === frame)!.group;
      // Lost: the damaged frame and the rest of its group, nothing else.
      const expectLost = b.where
        .map((w, i) => ({ w, i }))
        .filter(({ w }) => w.group === groupOf && w.frame >= frame)
        .map(({ i }) => i);
      expect(lost, `flip at ${at}`).toEqual(expectLost);
      if (at < lastGroupOffset) {
        const lostFrames = new Set(expectLost.map((i) => b.where[i]!.frame)).size;
        expect(p.torn, `flip at ${at}`).toBe(false);
        expect(p.damage, `flip at ${at}`).toEqual([
          {
            offset: frame === 0 ? 4 : b.ends[frame - 1],
            bytes: expect.any(Number),
            frames: lostFrames,
          },
        ]);
        const next = b.ends[b.where.findLast((w) => w.group === groupOf)!.frame]!;
        expect(p.damage[0]!.bytes).toBe(next - p.damage[0]!.offset);
      } else {
        // In the last group nothing follows to resynchronise on, though a frame
        // chained after the damaged one still shows it is damage.
        expect(p.torn || p.damage.length === 1, `flip at ${at}`).toBe(true);
      }
    }
  }, 60_000);

  it("a cut at any byte is a torn tail, never damage, and keeps the whole frames before it", () => {
    const b = build(20, 300);
    for (let cut = 4; cut <= b.file.length; cut++) {
      const p = parseJournal(b.file.subarray(0, cut));
      const whole = b.ends.filter((e) => e <= cut).length;
      const n = b.where.filter((w) => w.frame < whole).length;
      expect(p.frames.map(hex)).toEqual(b.records.slice(0, n));
      expect(p.damage).toEqual([]);
      expect(p.torn).toBe(cut !== 4 && !b.ends.includes(cut));
    }
  });

  it("garbage appended after a cut (a torn write that left junk) is still a torn tail", () => {
    const b = build(10, 300);
    const junk = Buffer.alloc(300, 0);
    const p = parseJournal(Buffer.concat([b.file.subarray(0, b.ends[6]! - 3), junk]));
    expect(p.torn).toBe(true);
    expect(p.damage).toEqual([]);
    expect(p.goodBytes).toBe(b.ends[5]);
  });

  it("a wiped stretch over several groups is one damaged region, counted in frames", () => {
    const b = build(60, 400);
    const bad = Buffer.from(b.file);
    bad.fill(0, b.ends[10]! + 5, b.ends[30]!);
    const p = parseJournal(bad);
    expect(p.torn).toBe(false);
    expect(p.damage).toHaveLength(1);
    const d = p.damage[0]!;
    expect(d.offset).toBe(b.ends[10]);
    const resumed = b.where.findIndex(
      (w) => w.frame > 30 && b.where[b.where.indexOf(w) - 1]!.group !== w.group,
    );
    const resumeFrame = b.where[resumed]!.frame;
    expect(d.frames).toBe(resumeFrame - 11);
    expect(d.bytes).toBe(b.ends[resumeFrame - 1]! - b.ends[10]!);
    expect(p.frames.map(hex)).toEqual([
      ...b.records.filter((_, i) => b.where[i]!.frame <= 10),
      ...b.records.filter((_, i) => b.where[i]!.frame >= resumeFrame),
    ]);
  });
});
