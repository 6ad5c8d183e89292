/**
 * The backup download. The store writes a consistent copy of itself (the hot
 * database, then the archive partitions its manifest lists: `store.backup`,
 * the same as `meshgate backup`) into a fresh folder of the data directory;
 * that folder is then sent as an uncompressed tar, file by file in 64 KiB
 * reads, and removed when the download ends or is cut short. Memory: the
 * store worker's one copy of the hot database while it writes it, and one
 * read chunk per download; one download runs at a time.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { toHex } from "../core/bytes.ts";
import { errorMessage, MeshgateError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { type TarEntry, tarEnd, tarHeader, tarPadding, tarSize } from "../core/tar.ts";
import type { BackupEntryName } from "../http/contract/setup.ts";
import type { BackupDownload } from "../http/setup-ports.ts";
import type { StoreApi } from "../store/api.ts";
import { archiveBackupDir } from "../store/partition.ts";

/** The hot database's name inside the tar; the partitions go in `<it>.archive/`. */
export const BACKUP_DB: BackupEntryName = "meshgate.sqlite";
/** Work folders in the data directory; one left by a crash is removed by the next backup. */
const WORK_PREFIX = ".backup-";
const CHUNK = 64 * 1024;
/** A download that takes nothing for this long is given up (its copy removed), so it cannot block the next. */
const STALL_MS = 10 * 60_000;

export class BackupBusyError extends MeshgateError {
  constructor() {
    super("E_BACKUP_BUSY", "a backup download is already running: try again when it ends");
  }
}

interface File extends TarEntry {
  readonly path: string;
}

/** `meshgate-backup-2026-12-06T083012Z.tar` (UTC). */
export function backupFileName(now: number): string {
  // 2026-12-06T08:30:12.345Z -> 2026-12-06T083012Z (no ":" for Windows file names)
  const stamp = new Date(now)
    .toISOString()
    .replace(/:/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `meshgate-backup-${stamp}.tar`;
}

/** The files of a backup folder: the hot DB first, then the partitions by name. */
async function backupFiles(dir: string): Promise<File[]> {
  const db = join(dir, BACKUP_DB);
  const out: File[] = [];
  const add = async (name: string, path: string) => {
    const s = await stat(path);
    out.push({ name, path, size: s.size, mtimeMs: s.mtimeMs });
  };
  await add(BACKUP_DB, db);
  const archive = archiveBackupDir(db);
  const parts = await readdir(archive).catch(() => [] as string[]);
  for (const p of parts.sort())
    await add(`${BACKUP_DB}.archive/${p}` satisfies BackupEntryName, join(archive, p));
  return out;
}

/** The tar's bytes, one file at a time; a file that changed size is an error, not a bad archive. */
async function* tarChunks(files: readonly File[]): AsyncGenerator<Uint8Array> {
  for (const f of files) {
    yield tarHeader(f);
    let sent = 0;
    const read =
      f.size > 0 ? createReadStream(f.path, { highWaterMark: CHUNK, end: f.size - 1 }) : [];
    for await (const chunk of read) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== f.size) throw new Error(`backup: ${f.name} is ${sent} bytes, expected ${f.size}`);
    yield tarPadding(f.size);
  }
  yield tarEnd();
}

export class BackupMaker {
  private busy = false;

  constructor(
    private readonly o: {
      readonly dataDir: string;
      readonly store: Pick<StoreApi, "backup">;
      readonly log: Logger;
      readonly now?: () => number;
      /** Tests: a shorter stall limit. */
      readonly stallMs?: number;
    },
  ) {}

  /** Write the store's copy and return it as a tar stream; its `close` removes the copy. */
  async open(): Promise<BackupDownload> {
    if (this.busy) throw new BackupBusyError();
    this.busy = true;
    const now = (this.o.now ?? Date.now)();
    const dir = join(this.o.dataDir, `${WORK_PREFIX}${toHex(randomBytes(6))}`);
    let closed = false;
    let watch: NodeJS.Timeout | null = null;
    const close = () => {
      if (closed) return;
      closed = true;
      if (watch) clearInterval(watch);
      rm(dir, { recursive: true, force: true })
        .catch((err) => this.o.log.warn("backup folder not removed", { error: errorMessage(err) }))
        .finally(() => {
          this.busy = false;
        });
    };
    try {
      await this.sweep();
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await this.o.store.backup(join(dir, BACKUP_DB));
      const files = await backupFiles(dir);
      const length = tarSize(files);
      this.o.log.info("backup download", { files: files.length, bytes: length });
      // From here on the client sets the pace; one that stops taking data is given up.
      let pulled = Date.now();
      const stallMs = this.o.stallMs ?? STALL_MS;
      watch = setInterval(
        () => {
          if (Date.now() - pulled < stallMs) return;
          this.o.log.warn("backup download stalled: its copy is removed", { afterMs: stallMs });
          close();
        },
        Math.max(10, Math.min(60_000, stallMs / 4)),
      );
      watch.unref();
      return {
        filename: backupFileName(now),
        stream: {
          length,
          chunks: async function* () {
            for await (const chunk of tarChunks(files)) {
              pulled = Date.now();
              yield chunk;
            }
          },
          close,
        },
      };
    } catch (err) {
      close();
      throw err;
    }
  }

  /** Work folders a crash left behind (none of them is in use: one backup runs at a time). */
  private async sweep(): Promise<void> {
    const names = await readdir(this.o.dataDir).catch(() => [] as string[]);
    for (const n of names)
      if (n.startsWith(WORK_PREFIX))
        await rm(join(this.o.dataDir, n), { recursive: true, force: true });
  }
}
