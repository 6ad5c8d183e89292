/**
 * `meshgate backup FILE`: writes a consistent standalone SQLite file of the
 * store. It works while the daemon runs: the CLI cannot share the daemon's
 * store worker, so it opens the data directory read-only (newest good
 * snapshot + journal replay, in memory; nothing on disk is changed) and
 * exports that. A journal record the daemon is writing at that moment is a
 * torn tail to this reader and is left out, so the copy ends at a record
 * boundary at most one group-commit interval behind the daemon.
 *
 * History older than the hot window lives in archive partition files; the
 * backup copies those the manifest lists into FILE.archive/, one at a time
 * (they are immutable SQLite files, each openable on its own).
 */
import { basename, dirname, resolve } from "node:path";
import { errorMessage } from "../core/errors.ts";
import { type Logger, silentLogger } from "../core/log.ts";
import { StoreEngine } from "../store/engine.ts";
import { nodeFs } from "../store/fsport.ts";
import { archiveBackupDir } from "../store/partition.ts";
import { writeAtomic } from "../store/snapshots.ts";

/** meshgate's global flags that take a value (`--config PATH`, ...). */
const GLOBAL_VALUE_FLAGS = new Set(["config", "port", "host", "log-level"]);

export interface BackupIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface BackupOptions {
  /** store.dataDir from the config; `--data-dir DIR` in argv overrides it. */
  readonly dataDir: string;
  readonly schemaDir?: string;
  readonly log?: Logger;
}

/** argv: the words after `backup`, e.g. ["/tmp/copy.sqlite", "--data-dir", "/var/lib/meshgate"]. Returns an exit code. */
export async function runBackup(
  argv: readonly string[],
  io: BackupIO,
  opts: BackupOptions,
): Promise<number> {
  const files: string[] = [];
  let dataDir = opts.dataDir;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--data-dir") {
      const v = argv[++i];
      if (!v) {
        io.stderr.write("meshgate backup: --data-dir needs a value\n");
        return 64;
      }
      dataDir = v;
    } else if (a.startsWith("--data-dir=")) dataDir = a.slice("--data-dir=".length);
    else if (a.startsWith("--")) {
      // Global flags are the caller's; skip the value of those that take one.
      if (!a.includes("=") && GLOBAL_VALUE_FLAGS.has(a.slice(2))) i++;
    } else files.push(a);
  }
  if (files.length !== 1) {
    io.stderr.write("usage: meshgate backup FILE [--data-dir DIR]\n");
    return 64;
  }
  const out = resolve(files[0]!);
  let engine: StoreEngine | null = null;
  try {
    engine = await StoreEngine.open({
      dataDir,
      readOnly: true,
      fsyncIntervalMs: 1000,
      snapshotJournalRatio: 1,
      maxDbMB: Number.MAX_SAFE_INTEGER,
      maxAgeDays: Number.MAX_SAFE_INTEGER,
      log: opts.log ?? silentLogger(),
      ...(opts.schemaDir ? { schemaDir: opts.schemaDir } : {}),
    });
    const h = engine.health();
    const bytes = engine.exportBytes();
    await writeAtomic(nodeFs, dirname(out), basename(out), bytes);
    const parts = await engine.history.copyArchive(archiveBackupDir(out));
    io.stdout.write(
      `backup written: ${out} (${bytes.length} bytes, ${h.observations} observations, ${h.transmissions} transmissions, ${h.nodes} nodes)\n`,
    );
    if (parts > 0)
      io.stdout.write(`archive partitions copied: ${parts} into ${archiveBackupDir(out)}/\n`);
    if (h.error) io.stderr.write(`meshgate backup: warning: ${h.error}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`meshgate backup: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    engine?.abandon();
  }
}
