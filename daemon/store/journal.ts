/**
 * The append-only journal: files `journal-<firstSeq>.log` in the format of
 * journal-format.ts. Writes are group-committed: append() only buffers,
 * flush() writes one frame and fdatasyncs; the store calls flush at most
 * every fsyncIntervalMs.
 */
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { ioCode } from "./errors.ts";
import { type FsPort, fsyncDir, listNumbered, writeAll } from "./fsport.ts";
import { type FrameState, GROUP_BYTES, JOURNAL_MAGIC, packFrame } from "./journal-format.ts";

export {
  type DamagedRegion,
  frame,
  JOURNAL_MAGIC,
  JOURNAL_MAGIC_V1,
  JOURNAL_MAGIC_V2,
  type JournalScan,
  MAX_FRAME,
  type ParsedJournal,
  packFrame,
  packRecords,
  parseJournal,
  scanJournal,
  unpackRecords,
} from "./journal-format.ts";

const NAME = /^journal-(\d{16})\.log$/;

export function journalName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(16, "0")}.log`;
}

export interface JournalFile {
  readonly name: string;
  readonly firstSeq: number;
}

export function listJournals(fsp: FsPort, dir: string): JournalFile[] {
  return listNumbered(fsp, dir, NAME).map((f) => ({ name: f.name, firstSeq: f.n }));
}

/** An existing file new frames may be appended to (after cutting it to goodBytes). */
export interface JournalResume {
  readonly name: string;
  readonly goodBytes: number;
  readonly nextIndex: number;
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
  /** What the open file's next frame is compressed against (null: no frame yet). */
  private state: FrameState | null = null;
  private resumeFile: JournalResume | null = null;
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
    /** Record bytes per frame group (benchmarks vary it; see journal-format.ts). */
    private readonly groupBytes = GROUP_BYTES,
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
      const { bytes: total, state } = packFrame(
        this.pending.map((p) => p.record),
        this.state,
        this.groupBytes,
      );
      writeAll(this.fsp, this.fd!, total);
      this.fsp.fdatasyncSync(this.fd!);
      this.state = state;
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

  /**
   * Append the next frames to this existing file instead of starting a new
   * one: a gateway that loses power a moment after every start would
   * otherwise leave a new file per start. Only the first open uses it.
   */
  resume(r: JournalResume): void {
    this.resumeFile = r;
  }

  /** Open the file to resume, cut to its good bytes; false if that fails (a new file is used). */
  private reopen(r: JournalResume): boolean {
    let fd: number | null = null;
    try {
      fd = this.fsp.openSync(join(this.dir, r.name), "a");
      this.fsp.ftruncateSync(fd, r.goodBytes);
    } catch (err) {
      if (fd !== null) this.fsp.closeSync(fd);
      this.log.warn("could not append to the last journal; starting a new one", {
        file: r.name,
        code: ioCode(err),
      });
      return false;
    }
    this.fd = fd;
    // The next frame starts a group: the file's earlier records are not kept in memory.
    this.state = {
      dict: new Uint8Array(0),
      index: r.nextIndex - 1,
      groupBytes: Number.POSITIVE_INFINITY,
    };
    return true;
  }

  private open(firstSeq: number): void {
    const r = this.resumeFile;
    this.resumeFile = null;
    if (r && this.reopen(r)) return;
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
    this.state = null;
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
    this.resumeFile = null;
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
