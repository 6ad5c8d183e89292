/**
 * The append-only journal: files `journal-<firstSeq>.log`, each a 4-byte
 * magic then frames [u32 length][u32 CRC-32 of payload][payload]. A frame
 * whose length or checksum does not match is a torn tail (power cut during a
 * write): reading stops there and what follows in that file is ignored.
 * Writes are group-committed: append() only buffers, flush() writes and
 * fdatasyncs; the store calls flush at most every fsyncIntervalMs.
 */
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { crc32 } from "./bytes.ts";
import { ioCode } from "./errors.ts";
import { type FsPort, fsyncDir, writeAll } from "./fsport.ts";

export const JOURNAL_MAGIC = new Uint8Array([0x4d, 0x47, 0x4a, 0x31]); // "MGJ1"
/** A frame longer than this is garbage, not a record (bounds a torn length field). */
export const MAX_FRAME = 64 * 1024 * 1024;
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
  /** Payload slices of the good frames, in order. */
  readonly frames: readonly Uint8Array[];
  /** Bytes up to the end of the last good frame. */
  readonly goodBytes: number;
  readonly torn: boolean;
}

/** Pure: split a journal file's bytes into good frames, detecting a torn tail. */
export function parseJournal(buf: Uint8Array): ParsedJournal {
  if (buf.length < 4 || JOURNAL_MAGIC.some((b, i) => buf[i] !== b)) {
    return { frames: [], goodBytes: 0, torn: buf.length > 0 };
  }
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const frames: Uint8Array[] = [];
  let pos = 4;
  while (pos < buf.length) {
    if (pos + 8 > buf.length) break;
    const len = v.getUint32(pos, true);
    const sum = v.getUint32(pos + 4, true);
    if (len > MAX_FRAME || pos + 8 + len > buf.length) break;
    if (crc32(buf, pos + 8, pos + 8 + len) !== sum) break;
    frames.push(buf.subarray(pos + 8, pos + 8 + len));
    pos += 8 + len;
  }
  return { frames, goodBytes: pos, torn: pos < buf.length };
}

interface Pending {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/**
 * Buffers frames and writes them on flush(). After any write error the
 * current file is abandoned (its tail may be torn) and the next successful
 * flush starts a new file named after the first unwritten record, so replay
 * never has to read past a torn frame to find good ones.
 */
export class JournalWriter {
  private fd: number | null = null;
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
    const bytes = frame(payload);
    this.pending.push({ seq, bytes });
    this.pendingBytes += bytes.length;
    // During a long outage keep memory bounded: the rows are still in the DB
    // and the next good snapshot saves them; only crash-durability is lost.
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length > 1) {
      const dropped = this.pending.shift()!;
      this.pendingBytes -= dropped.bytes.length;
      this.droppedBytes += dropped.bytes.length;
    }
  }

  /** Write and fdatasync everything buffered. Returns false on an I/O error (kept for retry). */
  flush(now = Date.now()): boolean {
    if (this.pending.length === 0) return true;
    if (now < this.retryAt) return false;
    try {
      if (this.fd === null) this.open(this.pending[0]!.seq);
      const total = new Uint8Array(this.pendingBytes);
      let off = 0;
      for (const p of this.pending) {
        total.set(p.bytes, off);
        off += p.bytes.length;
      }
      writeAll(this.fsp, this.fd!, total);
      this.fsp.fdatasyncSync(this.fd!);
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
