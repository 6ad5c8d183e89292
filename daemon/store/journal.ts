/**
 * The append-only journal: files `journal-<firstSeq>.log`, each a 4-byte
 * magic then frames [u32 length][u32 CRC-32 of payload][payload]. A frame
 * whose length or checksum does not match is a torn tail (power cut during a
 * write): reading stops there and what follows in that file is ignored.
 * Writes are group-committed: append() only buffers, flush() writes and
 * fdatasyncs; the store calls flush at most every fsyncIntervalMs.
 *
 * Layout 2 ("MGJ2", written now): one frame per group commit, its payload the
 * raw-deflated concatenation of [varint length][record] for every record of
 * that commit. Each frame is compressed with the previous 32 KiB of the
 * file's uncompressed records as the preset dictionary, so the names, keys
 * and summaries that repeat from one second to the next cost a few bytes; a
 * frame still decodes on its own given the frames before it, which replay
 * reads anyway. Layout 1 ("MGJ1": one uncompressed record per frame) is
 * still read.
 */
import { join } from "node:path";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import type { Logger } from "../core/log.ts";
import { crc32 } from "./bytes.ts";
import { ioCode } from "./errors.ts";
import { type FsPort, fsyncDir, writeAll } from "./fsport.ts";

export const JOURNAL_MAGIC_V1 = new Uint8Array([0x4d, 0x47, 0x4a, 0x31]); // "MGJ1"
export const JOURNAL_MAGIC = new Uint8Array([0x4d, 0x47, 0x4a, 0x32]); // "MGJ2"
/** A frame longer than this is garbage, not a record (bounds a torn length field). */
export const MAX_FRAME = 64 * 1024 * 1024;
/** Deflate's window: the most of the earlier records a frame can refer to. */
const DICT_BYTES = 32 * 1024;
/** Level 1: nearly all of level 6's gain on journal records, at a fraction of the CPU. */
const DEFLATE = { level: 1, strategy: constants.Z_DEFAULT_STRATEGY } as const;

/** The last DICT_BYTES of `prev` followed by `next` (the dictionary for the following frame). */
function slideDict(prev: Uint8Array, next: Uint8Array): Uint8Array {
  if (next.length >= DICT_BYTES) return next.slice(next.length - DICT_BYTES);
  const keep = Math.min(prev.length, DICT_BYTES - next.length);
  const out = new Uint8Array(keep + next.length);
  out.set(prev.subarray(prev.length - keep), 0);
  out.set(next, keep);
  return out;
}

/** Pure: records -> one layout-2 frame payload (deflated with `dict`), and the next dictionary. */
export function packRecords(
  records: readonly Uint8Array[],
  dict: Uint8Array,
): { packed: Uint8Array; dict: Uint8Array } {
  let size = 0;
  for (const r of records) size += varintLength(r.length) + r.length;
  const plain = new Uint8Array(size);
  let off = 0;
  for (const r of records) {
    let n = r.length;
    while (n >= 0x80) {
      plain[off++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    plain[off++] = n;
    plain.set(r, off);
    off += r.length;
  }
  const packed = deflateRawSync(plain, dict.length ? { ...DEFLATE, dictionary: dict } : DEFLATE);
  return {
    packed: new Uint8Array(packed.buffer, packed.byteOffset, packed.length),
    dict: slideDict(dict, plain),
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
  let pos = 0;
  while (pos < plain.length) {
    let n = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (i >= 5 || pos >= plain.length) throw new RangeError("bad record length");
      const b = plain[pos++]!;
      n += (b & 0x7f) * mul;
      mul *= 0x80;
      if (b < 0x80) break;
    }
    if (pos + n > plain.length) throw new RangeError("record past the end of its frame");
    records.push(plain.subarray(pos, pos + n));
    pos += n;
  }
  return { records, dict: slideDict(dict, plain) };
}

function varintLength(n: number): number {
  let k = 1;
  for (let x = n; x >= 0x80; x = Math.floor(x / 0x80)) k++;
  return k;
}
const NAME = /^journal-(\d{16})\.log$/;

export function journalName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(16, "0")}.log`;
}

export interface JournalFile {
  readonly name: string;
  readonly firstSeq: number;
}

export function listJournals(fsp: FsPort, dir: string): JournalFile[] {
  const out: JournalFile[] = [];
  for (const name of fsp.readdirSync(dir) as string[]) {
    const m = NAME.exec(name);
    if (m) out.push({ name, firstSeq: Number(m[1]) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, payload.length, true);
  v.setUint32(4, crc32(payload), true);
  out.set(payload, 8);
  return out;
}

export interface ParsedJournal {
  /** The records of the good frames, in order (for layout 1, one per frame). */
  readonly frames: readonly Uint8Array[];
  /** Bytes up to the end of the last good frame. */
  readonly goodBytes: number;
  readonly torn: boolean;
  /** 1 or 2; 0 when the file has no valid header. */
  readonly layout: number;
}

const sameMagic = (buf: Uint8Array, magic: Uint8Array) =>
  buf.length >= 4 && magic.every((b, i) => buf[i] === b);

/** Pure: split a journal file's bytes into records, detecting a torn tail. */
export function parseJournal(buf: Uint8Array): ParsedJournal {
  const layout = sameMagic(buf, JOURNAL_MAGIC) ? 2 : sameMagic(buf, JOURNAL_MAGIC_V1) ? 1 : 0;
  if (layout === 0) return { frames: [], goodBytes: 0, torn: buf.length > 0, layout };
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const frames: Uint8Array[] = [];
  let dict: Uint8Array = new Uint8Array(0);
  let pos = 4;
  while (pos < buf.length) {
    if (pos + 8 > buf.length) break;
    const len = v.getUint32(pos, true);
    const sum = v.getUint32(pos + 4, true);
    if (len > MAX_FRAME || pos + 8 + len > buf.length) break;
    if (crc32(buf, pos + 8, pos + 8 + len) !== sum) break;
    const payload = buf.subarray(pos + 8, pos + 8 + len);
    if (layout === 1) frames.push(payload);
    else {
      // The checksum matched, so a frame that does not unpack is not a torn
      // write but damage; like a torn tail, nothing after it can be trusted.
      try {
        const u = unpackRecords(payload, dict);
        frames.push(...u.records);
        dict = u.dict;
      } catch {
        break;
      }
    }
    pos += 8 + len;
  }
  return { frames, goodBytes: pos, torn: pos < buf.length, layout };
}

interface Pending {
  readonly seq: number;
  readonly record: Uint8Array;
}

/**
 * Buffers frames and writes them on flush(). After any write error the
 * current file is abandoned (its tail may be torn) and the next successful
 * flush starts a new file named after the first unwritten record, so replay
 * never has to read past a torn frame to find good ones.
 */
export class JournalWriter {
  private fd: number | null = null;
  /** Uncompressed records already in the open file (the next frame's dictionary). */
  private dict: Uint8Array = new Uint8Array(0);
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private writtenBytes = 0;
  private retryAt = 0;
  private backoffMs = 0;
  lastError: string | null = null;
  errors = 0;
  droppedBytes = 0;

  constructor(
    private readonly fsp: FsPort,
    private readonly dir: string,
    private readonly log: Logger,
    private readonly maxPendingBytes = 32 * 1024 * 1024,
  ) {}

  /** Bytes written to journal files since the last rotate(), plus those buffered. */
  get bytes(): number {
    return this.writtenBytes + this.pendingBytes;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  append(seq: number, payload: Uint8Array): void {
    // Copied: callers may pass a view of a buffer they reuse.
    const record = payload.slice();
    this.pending.push({ seq, record });
    this.pendingBytes += record.length;
    // During a long outage keep memory bounded: the rows are still in the DB
    // and the next good snapshot saves them; only crash-durability is lost.
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length > 1) {
      const dropped = this.pending.shift()!;
      this.pendingBytes -= dropped.record.length;
      this.droppedBytes += dropped.record.length;
    }
  }

  /** Write and fdatasync everything buffered. Returns false on an I/O error (kept for retry). */
  flush(now = Date.now()): boolean {
    if (this.pending.length === 0) return true;
    if (now < this.retryAt) return false;
    try {
      if (this.fd === null) this.open(this.pending[0]!.seq);
      const { packed, dict } = packRecords(
        this.pending.map((p) => p.record),
        this.dict,
      );
      const total = frame(packed);
      writeAll(this.fsp, this.fd!, total);
      this.fsp.fdatasyncSync(this.fd!);
      this.dict = dict;
      this.writtenBytes += total.length;
      this.pending = [];
      this.pendingBytes = 0;
      if (this.lastError) this.log.info("journal writes recovered", { after: this.lastError });
      this.lastError = null;
      this.backoffMs = 0;
      return true;
    } catch (err) {
      this.fail(err, now);
      return false;
    }
  }

  private open(firstSeq: number): void {
    this.fsp.mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, journalName(firstSeq));
    // "w": a leftover file of that name can only hold records we are about to rewrite.
    const fd = this.fsp.openSync(path, "w");
    try {
      writeAll(this.fsp, fd, JOURNAL_MAGIC);
      fsyncDir(this.fsp, this.dir);
    } catch (err) {
      this.fsp.closeSync(fd);
      throw err;
    }
    this.fd = fd;
    this.dict = new Uint8Array(0);
    this.writtenBytes += JOURNAL_MAGIC.length;
  }

  private fail(err: unknown, now: number): void {
    this.errors++;
    const code = ioCode(err);
    if (this.lastError === null)
      this.log.error("journal write failed; serving from memory", { code });
    this.lastError = `journal: ${code}`;
    this.backoffMs = Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 500);
    this.retryAt = now + this.backoffMs;
    this.closeQuietly();
  }

  /** Start a new file at the next record (after a snapshot). */
  rotate(): void {
    this.closeQuietly();
    this.writtenBytes = 0;
  }

  close(): void {
    this.closeQuietly();
  }

  private closeQuietly(): void {
    if (this.fd === null) return;
    try {
      this.fsp.closeSync(this.fd);
    } catch {
      // Closing after a failed write may fail again; the fd is gone either way.
    }
    this.fd = null;
  }
}
