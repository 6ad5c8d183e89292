/**
 * Journal file format (pure): each file is a 4-byte magic then frames
 * [u32 length][u32 CRC-32 of payload][payload].
 *
 * Layout 3 ("MGJ3", written now): one frame per group commit. Frames form
 * groups. A group's first frame has the payload [01 "MGS"][varint index of
 * the frame in its file][raw deflate of the records]; the others
 * [00][raw deflate], compressed with the previous 32 KiB of the group's
 * uncompressed records as the preset dictionary (the names, keys and
 * summaries that repeat from one second to the next then cost a few bytes).
 * A new group starts once the current one holds GROUP_BYTES of records, so a
 * damaged frame costs the rest of its group only: replay resynchronises on
 * the next group start (found by its marker, confirmed by length, CRC and
 * inflate), and the frame index says how many frames were lost.
 *
 * Layout 2 ("MGJ2") is layout 3 with one group per file and no frame header
 * byte; layout 1 ("MGJ1") one uncompressed record per frame. Both are still
 * read.
 *
 * Bad bytes with no good frame after them are a torn tail (a write cut short
 * by a power cut). Bad bytes followed by good frames are damage: reported
 * separately, because no interrupted append can cause them.
 */
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { ByteReader, ByteWriter, crc32 } from "./bytes.ts";

export const JOURNAL_MAGIC_V1 = new Uint8Array([0x4d, 0x47, 0x4a, 0x31]); // "MGJ1"
export const JOURNAL_MAGIC_V2 = new Uint8Array([0x4d, 0x47, 0x4a, 0x32]); // "MGJ2"
export const JOURNAL_MAGIC = new Uint8Array([0x4d, 0x47, 0x4a, 0x33]); // "MGJ3"
/** A frame longer than this is garbage, not a record (bounds a torn length field). */
export const MAX_FRAME = 64 * 1024 * 1024;
/**
 * Uncompressed record bytes after which the next frame starts a new group.
 * Four dictionary windows: the first window of a group compresses worse
 * (docs/storage.md gives the measured cost); damage loses at most this much.
 */
export const GROUP_BYTES = 128 * 1024;
/** Deflate's window: the most of the earlier records a frame can refer to. */
const DICT_BYTES = 32 * 1024;
/** Level 1: nearly all of level 6's gain on journal records, at a fraction of the CPU. */
const DEFLATE = { level: 1, strategy: constants.Z_DEFAULT_STRATEGY } as const;
/** First payload bytes of a group's first frame: a flag and a marker to resynchronise on. */
const GROUP_START = new Uint8Array([0x01, 0x4d, 0x47, 0x53]); // 01 "MGS"
const CONTINUATION = 0x00;
const EMPTY = new Uint8Array(0);

/** The last DICT_BYTES of `prev` followed by `next` (the dictionary for the following frame). */
function slideDict(prev: Uint8Array, next: Uint8Array): Uint8Array {
  if (next.length >= DICT_BYTES) return next.slice(next.length - DICT_BYTES);
  const keep = Math.min(prev.length, DICT_BYTES - next.length);
  const out = new Uint8Array(keep + next.length);
  out.set(prev.subarray(prev.length - keep), 0);
  out.set(next, keep);
  return out;
}

/** Pure: records -> their deflate (with `dict`), the next dictionary and the uncompressed size. */
export function packRecords(
  records: readonly Uint8Array[],
  dict: Uint8Array,
): { packed: Uint8Array; dict: Uint8Array; plainBytes: number } {
  const w = new ByteWriter(records.reduce((n, r) => n + r.length + 5, 16));
  for (const r of records) w.bytes(r); // [varint length][record]
  const plain = w.peek();
  const packed = deflateRawSync(plain, dict.length ? { ...DEFLATE, dictionary: dict } : DEFLATE);
  return {
    packed: new Uint8Array(packed.buffer, packed.byteOffset, packed.length),
    dict: slideDict(dict, plain),
    plainBytes: plain.length,
  };
}

/** Pure: the inverse of packRecords; throws on bytes that do not inflate or split. */
export function unpackRecords(
  packed: Uint8Array,
  dict: Uint8Array,
): { records: Uint8Array[]; dict: Uint8Array } {
  const buf = inflateRawSync(packed, dict.length ? { dictionary: dict } : {});
  const plain = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const records: Uint8Array[] = [];
  const r = new ByteReader(plain);
  while (r.remaining > 0) records.push(r.bytes());
  return { records, dict: slideDict(dict, plain) };
}

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, payload.length, true);
  v.setUint32(4, crc32(payload), true);
  out.set(payload, 8);
  return out;
}

/** Where the writer is in its file: what the next layout-3 frame is compressed against. */
export interface FrameState {
  readonly dict: Uint8Array;
  /** Index of the last frame written in the file. */
  readonly index: number;
  /** Uncompressed record bytes in the current group. */
  readonly groupBytes: number;
}

function groupStartHead(index: number): Uint8Array {
  const w = new ByteWriter(12);
  for (const b of GROUP_START) w.u8(b);
  return w.varint(index).peek();
}

/** Pure: one whole layout-3 frame for `records`; `prev` null for a file's first frame. */
export function packFrame(
  records: readonly Uint8Array[],
  prev: FrameState | null,
  groupBytes = GROUP_BYTES,
): { bytes: Uint8Array; state: FrameState } {
  const index = prev ? prev.index + 1 : 0;
  const start = prev === null || prev.groupBytes >= groupBytes;
  const p = packRecords(records, start || !prev ? EMPTY : prev.dict);
  const head = start ? groupStartHead(index) : [CONTINUATION];
  const payload = new Uint8Array(head.length + p.packed.length);
  payload.set(head, 0);
  payload.set(p.packed, head.length);
  return {
    bytes: frame(payload),
    state: {
      dict: p.dict,
      index,
      groupBytes: (start || !prev ? 0 : prev.groupBytes) + p.plainBytes,
    },
  };
}

/** Bytes skipped over in the middle of a file, with good frames after them. */
export interface DamagedRegion {
  /** File offset of the first bad byte. */
  readonly offset: number;
  readonly bytes: number;
  /** Frames whose records were lost (the bad one, and the rest of its group). */
  readonly frames: number;
}

/** What reading a journal file found besides its records. */
export interface JournalScan {
  /** Bytes up to the end of the last good frame. */
  readonly goodBytes: number;
  /** Bad bytes at the end with no good frame after them. */
  readonly torn: boolean;
  readonly damage: readonly DamagedRegion[];
  /** 1, 2 or 3; 0 when the file has no valid header. */
  readonly layout: number;
  /** Layout 3: the index the next frame appended after goodBytes gets. */
  readonly nextIndex: number;
}

export interface ParsedJournal extends JournalScan {
  /** The records of the good frames, in order (for layout 1, one per frame). */
  readonly frames: readonly Uint8Array[];
}

const startsWith = (buf: Uint8Array, prefix: Uint8Array, at = 0) =>
  buf.length >= at + prefix.length && prefix.every((b, i) => buf[at + i] === b);

/** The payload of a frame at `pos` whose length and checksum hold, else null. */
function frameAt(buf: Uint8Array, v: DataView, pos: number): Uint8Array | null {
  if (pos < 0 || pos + 8 > buf.length) return null;
  const len = v.getUint32(pos, true);
  // No layout writes an empty frame; zeros are what a torn write often leaves.
  if (len === 0 || len > MAX_FRAME || pos + 8 + len > buf.length) return null;
  if (crc32(buf, pos + 8, pos + 8 + len) !== v.getUint32(pos + 4, true)) return null;
  return buf.subarray(pos + 8, pos + 8 + len);
}

/** Good frames chained one after another from `pos` (a cheap "is anything good after this?"). */
function chainedFrames(buf: Uint8Array, v: DataView, pos: number): number {
  let n = 0;
  for (let p = frameAt(buf, v, pos); p; p = frameAt(buf, v, pos)) {
    n++;
    pos += 8 + p.length;
  }
  return n;
}

/** A layout-3 group start: its frame index and records. Throws when it is not one. */
function decodeGroupStart(payload: Uint8Array): {
  index: number;
  records: Uint8Array[];
  dict: Uint8Array;
} {
  if (!startsWith(payload, GROUP_START)) throw new RangeError("not a group start");
  const r = new ByteReader(payload, GROUP_START.length);
  const index = r.varint();
  return { index, ...unpackRecords(payload.subarray(r.offset), EMPTY) };
}

/** The next layout-3 group start at or after `from`: its offset and contents, else null. */
function nextGroupStart(buf: Uint8Array, v: DataView, from: number) {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = b.indexOf(GROUP_START, from + 8); at >= 0; at = b.indexOf(GROUP_START, at + 1)) {
    const pos = at - 8;
    const payload = frameAt(buf, v, pos);
    if (!payload) continue;
    try {
      return { pos, end: at + payload.length, ...decodeGroupStart(payload) };
    } catch {
      // A marker by chance inside compressed data, or a damaged frame: keep looking.
    }
  }
  return null;
}

/** Pure: split a journal file's bytes into records, telling a torn tail from damage. */
export function parseJournal(buf: Uint8Array): ParsedJournal {
  const frames: Uint8Array[] = [];
  const scan = scanJournal(buf, (records) => {
    for (const r of records) frames.push(r);
  });
  return { frames, ...scan };
}

/**
 * parseJournal one frame at a time: `each` gets a good frame's records, in
 * order, as the frame is read, so a replay holds one group commit's records
 * at a time, not the whole file's (a file of mesh-table batches inflates to
 * twice its size). What `each` throws propagates; it is not taken for damage.
 */
export function scanJournal(
  buf: Uint8Array,
  each: (records: readonly Uint8Array[]) => void,
): JournalScan {
  const layout = startsWith(buf, JOURNAL_MAGIC)
    ? 3
    : startsWith(buf, JOURNAL_MAGIC_V2)
      ? 2
      : startsWith(buf, JOURNAL_MAGIC_V1)
        ? 1
        : 0;
  if (layout === 0) return { goodBytes: 0, torn: buf.length > 0, damage: [], layout, nextIndex: 0 };
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const damage: DamagedRegion[] = [];
  let dict: Uint8Array | null = EMPTY;
  let index = -1;
  let pos = 4;
  let goodBytes = 4;
  while (pos < buf.length) {
    const payload = frameAt(buf, v, pos);
    let records: Uint8Array[] | null = null;
    if (payload) {
      try {
        if (layout === 1) records = [payload];
        else if (layout === 2) {
          const u = unpackRecords(payload, dict ?? EMPTY);
          records = u.records;
          dict = u.dict;
        } else if (payload[0] === CONTINUATION && dict !== null) {
          const u = unpackRecords(payload.subarray(1), dict);
          records = u.records;
          dict = u.dict;
          index++;
        } else {
          const g = decodeGroupStart(payload);
          records = g.records;
          dict = g.dict;
          index = g.index;
        }
      } catch {
        // The checksum matched yet it does not decode: damage, handled below.
      }
    }
    if (payload && records) {
      pos += 8 + payload.length;
      goodBytes = pos;
      each(records);
      continue;
    }
    // A bad frame at pos. Layout 3 resumes at the next group start.
    const next = layout === 3 ? nextGroupStart(buf, v, pos + 1) : null;
    if (next) {
      damage.push({
        offset: pos,
        bytes: next.pos - pos,
        frames: Math.max(1, next.index - index - 1),
      });
      dict = next.dict;
      index = next.index;
      pos = next.end;
      goodBytes = pos;
      each(next.records);
      continue;
    }
    // No group start follows. Good frames right after this one's stated
    // length mean damage, not a torn write; layout 1 frames stand alone, so
    // reading resumes there.
    const len = pos + 8 <= buf.length ? v.getUint32(pos, true) : MAX_FRAME + 1;
    const after = len <= MAX_FRAME ? pos + 8 + len : buf.length;
    const good = after < buf.length ? chainedFrames(buf, v, after) : 0;
    if (good === 0) break;
    if (layout === 1) {
      damage.push({ offset: pos, bytes: after - pos, frames: 1 });
      pos = after;
      continue;
    }
    damage.push({ offset: pos, bytes: buf.length - pos, frames: 1 + good });
    return { goodBytes, torn: false, damage, layout, nextIndex: index + 1 };
  }
  return { goodBytes, torn: goodBytes < buf.length, damage, layout, nextIndex: index + 1 };
}
