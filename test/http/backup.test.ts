/**
 * The backup download from the real daemon: a data directory seeded with a
 * history old enough to be archived into partition files, then
 * GET /api/system/backup with the admin token. The tar extracts with GNU tar,
 * its hot database and every partition open with the sqlite3 shell, and
 * together they hold each observation we stored exactly once. The work
 * folder is gone afterwards.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_DB } from "../../daemon/app/backup.ts";
import type { ObservationInput } from "../../daemon/store/api.ts";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { engineOptions, hashOf, hasSqlite3, sqlite3, synthObs } from "../support/store.ts";
import { SLOW_START_MS } from "../support/wait.ts";

const TOKEN = "backup-test-token-0123456789";
const HOUR = 3_600_000;
const OLD = 400;
const RECENT = 30;

/** OLD observations 3 to 2 days ago (archived), then RECENT in the last hour (hot). */
function history(now: number): ObservationInput[] {
  const out: ObservationInput[] = [];
  for (let i = 1; i <= OLD; i++) out.push(synthObs(i, { at: now - 72 * HOUR + i * 60_000 }));
  for (let i = 1; i <= RECENT; i++) out.push(synthObs(OLD + i, { at: now - HOUR + i * 60_000 }));
  return out;
}

describe.skipIf(!hasSqlite3)("backup download (real daemon, archived history)", () => {
  let d: RunningDaemon;
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "meshgate-backup-"));
    dataDir = join(work, "data");
    const e = await StoreEngine.open(
      engineOptions(dataDir, { hotMaxHours: 24, partitionMB: 0.1, archiveChunkRows: 100 }),
    );
    e.ingest(history(Date.now()));
    await e.drainArchive();
    expect(e.health().archive?.partitions ?? 0).toBeGreaterThan(0);
    await e.close();
    d = await startDaemon({
      dataDir,
      yaml: ["http:", `  token: ${TOKEN}`, "simulator:", "  enabled: false", ""].join("\n"),
      timeoutMs: SLOW_START_MS,
    });
  }, SLOW_START_MS + 30_000);

  afterAll(async () => {
    await d?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("needs the admin token", async () => {
    expect((await fetch(`${d.url}/api/system/backup`)).status).toBe(401);
  });

  it("is a tar of the hot database and the partitions, holding every stored observation once", async () => {
    const r = await fetch(`${d.url}/api/system/backup`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.status).toBe(200);
    const name = /filename="(meshgate-backup-\d{4}-\d{2}-\d{2}T\d{6}Z\.tar)"/.exec(
      r.headers.get("content-disposition") ?? "",
    )?.[1];
    expect(name).toBeDefined();
    const body = Buffer.from(await r.arrayBuffer());
    expect(body.length).toBe(Number(r.headers.get("content-length")));

    const out = join(work, "out");
    rmSync(out, { recursive: true, force: true });
    execFileSync("mkdir", ["-p", out]);
    writeFileSync(join(out, name!), body);
    const entries = execFileSync("tar", ["-tf", join(out, name!)], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(entries[0]).toBe(BACKUP_DB);
    const parts = entries.filter((e) => e.startsWith(`${BACKUP_DB}.archive/`));
    expect(parts.length).toBeGreaterThan(0);
    expect(entries).toHaveLength(1 + parts.length);
    execFileSync("tar", ["-xf", join(out, name!), "-C", out]);

    const hashes = (file: string) =>
      sqlite3(
        file,
        "SELECT t.hash FROM observations o JOIN transmissions t ON t.id = o.tx_id ORDER BY o.id",
      )
        .split("\n")
        .filter(Boolean);
    const hot = hashes(join(out, BACKUP_DB));
    const archived = parts.flatMap((p) => hashes(join(out, p)));
    // Old rows in the partitions, recent ones in the hot database, none twice.
    expect(archived.length).toBeGreaterThan(0);
    expect(archived).toContain(hashOf(1));
    expect(hot).toContain(hashOf(OLD + RECENT));
    const all = [...hot, ...archived].sort();
    expect(all).toEqual(
      history(0)
        .map((o) => o.hash)
        .sort(),
    );
    // The work folder the store wrote the copy into is removed.
    expect(readdirSync(dataDir).filter((f) => f.startsWith(".backup-"))).toEqual([]);
  }, 60_000);
});
