/**
 * BackupMaker: the store's copy written into a work folder of the data
 * directory, streamed as a tar of the hot DB then the partitions, the folder
 * removed on close, one backup at a time, and folders a crash left behind
 * swept. The store is a stand-in that writes files the way store.backup does.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BACKUP_DB,
  BackupBusyError,
  BackupMaker,
  backupFileName,
} from "../../daemon/app/backup.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import { archiveBackupDir } from "../../daemon/store/partition.ts";
import { until } from "../support/wait.ts";

const HOT = Buffer.alloc(70_000, 1);
const PARTS: Record<string, Buffer> = {
  "obs-2026-12-01-000.sqlite": Buffer.alloc(1000, 2),
  "obs-2026-11-30-000.sqlite": Buffer.alloc(513, 3),
};

/** Writes what store.backup writes: FILE, then FILE.archive/<partition>. */
const fakeStore = {
  async backup(path: string) {
    writeFileSync(path, HOT);
    mkdirSync(archiveBackupDir(path));
    for (const [name, bytes] of Object.entries(PARTS))
      writeFileSync(join(archiveBackupDir(path), name), bytes);
  },
};

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const all: Uint8Array[] = [];
  for await (const c of chunks) all.push(c);
  return Buffer.concat(all);
}

const work = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(".backup-"));

describe("BackupMaker", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "meshgate-backupmaker-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("streams a tar of the hot DB then the partitions by name, and removes its folder on close", async () => {
    const maker = new BackupMaker({
      dataDir: dir,
      store: fakeStore,
      log: silentLogger(),
      now: () => Date.UTC(2026, 11, 6, 8, 30, 12),
    });
    const b = await maker.open();
    expect(b.filename).toBe("meshgate-backup-2026-12-06T083012Z.tar");
    expect(work(dir)).toHaveLength(1);
    const tar = await drain(b.stream.chunks());
    expect(tar.length).toBe(b.stream.length);
    const file = join(dir, "b.tar");
    writeFileSync(file, tar);
    const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n");
    expect(names).toEqual([
      BACKUP_DB,
      `${BACKUP_DB}.archive/obs-2026-11-30-000.sqlite`,
      `${BACKUP_DB}.archive/obs-2026-12-01-000.sqlite`,
    ]);
    const out = join(dir, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xf", file, "-C", out]);
    expect(readFileSync(join(out, BACKUP_DB))).toEqual(HOT);
    for (const [name, bytes] of Object.entries(PARTS))
      expect(readFileSync(join(out, `${BACKUP_DB}.archive`, name))).toEqual(bytes);

    // One at a time: a second waits for the first to be closed.
    await expect(maker.open()).rejects.toBeInstanceOf(BackupBusyError);
    b.stream.close();
    b.stream.close();
    await until(() => work(dir).length === 0, 5000, "the work folder removed");
    const again = await maker.open();
    again.stream.close();
  });

  it("sweeps work folders a crash left, and cleans up when the store fails", async () => {
    mkdirSync(join(dir, ".backup-left0ver"));
    writeFileSync(join(dir, ".backup-left0ver", BACKUP_DB), "old");
    writeFileSync(join(dir, "keep.sqlite"), "not ours");
    const maker = new BackupMaker({
      dataDir: dir,
      store: {
        backup: async () => {
          throw new Error("disk full");
        },
      },
      log: silentLogger(),
    });
    await expect(maker.open()).rejects.toThrow("disk full");
    await until(() => work(dir).length === 0, 5000, "the folders removed");
    expect(existsSync(join(dir, "keep.sqlite"))).toBe(true);
    // Not left busy by the failure.
    await expect(maker.open()).rejects.toThrow("disk full");
  });

  it("gives up a download that stops taking data, so the next one can run", async () => {
    const maker = new BackupMaker({
      dataDir: dir,
      store: fakeStore,
      log: silentLogger(),
      stallMs: 50,
    });
    const b = await maker.open();
    const it = b.stream.chunks()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    // The client stops reading here.
    await until(() => work(dir).length === 0, 5000, "the stalled copy removed");
    const next = await maker.open();
    next.stream.close();
    await it.return?.();
    b.stream.close();
  });

  it("names the file by the UTC time", () => {
    expect(backupFileName(Date.UTC(2027, 0, 2, 3, 4, 5))).toBe(
      "meshgate-backup-2027-01-02T030405Z.tar",
    );
  });
});
