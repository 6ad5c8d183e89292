import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBackup } from "../../daemon/cli/backup.ts";
import { createStore } from "../../daemon/store/store.ts";
import { hasSqlite3, storeDir, storeOptions, synthObs } from "../support/store.ts";

function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

describe.skipIf(!hasSqlite3)("meshgate backup FILE", () => {
  it("copies a running store's data (snapshot + journal) read-only into a file sqlite3 opens", async () => {
    const dir = storeDir("cli");
    const store = createStore(storeOptions(dir));
    await store.start();
    try {
      const batch = [];
      for (let i = 0; i < 300; i++) batch.push(synthObs(i));
      await store.ingest(batch);
      await store.snapshot();
      await store.ingest([synthObs(1000), synthObs(1001)]); // only in the journal
      await store.setMeta("k", "v");
      await new Promise((r) => setTimeout(r, 300)); // past the group commit
      const before = Object.fromEntries(
        readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size]),
      );
      const file = join(dir, "..", `${dir.split("/").pop()}-copy.sqlite`);
      const t = io();
      const code = await runBackup(
        ["--config", "/etc/x.yaml", file, "--data-dir", dir, "--log-level=debug"],
        t.io,
        { dataDir: "/nonexistent" },
      );
      expect(t.out.stderr).toBe("");
      expect(code).toBe(0);
      expect(t.out.stdout).toMatch(/backup written: .* 302 observations/);
      const q = (sql: string) =>
        execFileSync("sqlite3", ["-readonly", file, sql], { encoding: "utf8" }).trim();
      expect(q("PRAGMA integrity_check")).toBe("ok");
      expect(q("SELECT count(*) FROM observations")).toBe("302");
      expect(q("SELECT value FROM meta WHERE key = 'k'")).toBe("v");
      expect(readFileSync(file).subarray(0, 15).toString()).toBe("SQLite format 3");
      // The daemon's files were only read.
      const after = Object.fromEntries(
        readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size]),
      );
      expect(after).toEqual(before);
    } finally {
      await store.stop();
    }
  });

  it("copies the archive partitions beside the file, together holding every observation once", async () => {
    const dir = storeDir("cli");
    const store = createStore(
      storeOptions(dir, { hotMB: 0.25, partitionMB: 0.1, archiveChunkRows: 300 }),
    );
    await store.start();
    const total = 3000;
    try {
      for (let i = 1; i <= total; i += 300) {
        const batch = [];
        for (let k = i; k < i + 300; k++) batch.push(synthObs(k));
        await store.ingest(batch);
      }
      for (let i = 0; i < 600 && (store.health().archive?.partitions ?? 0) < 4; i++)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300)); // past the group commit
    } finally {
      await store.stop();
    }
    const file = join(dir, "..", `${dir.split("/").pop()}-arc.sqlite`);
    const t = io();
    expect(await runBackup([file, "--data-dir", dir], t.io, { dataDir: dir })).toBe(0);
    expect(t.out.stdout).toMatch(/archive partitions copied: \d+ into .*\.archive\//);
    const q = (f: string, sql: string) =>
      execFileSync("sqlite3", ["-readonly", f, sql], { encoding: "utf8" }).trim();
    const manifest = q(file, "SELECT name || ' ' || max_id FROM archive_partitions ORDER BY name")
      .split("\n")
      .map((l) => l.split(" "));
    expect(manifest.length).toBeGreaterThanOrEqual(4);
    expect(readdirSync(`${file}.archive`).sort()).toEqual(manifest.map((m) => m[0]));
    let n = Number(q(file, "SELECT count(*) FROM observations"));
    for (const [name, maxId] of manifest)
      n += Number(
        q(join(`${file}.archive`, name!), `SELECT count(*) FROM observations WHERE id <= ${maxId}`),
      );
    expect(n).toBe(total);
  });

  it("usage errors and a missing data directory give a non-zero exit and a message", async () => {
    const t = io();
    expect(await runBackup([], t.io, { dataDir: "x" })).toBe(64);
    expect(t.out.stderr).toMatch(/usage: meshgate backup FILE/);
    const t2 = io();
    expect(
      await runBackup([join(tmpdir(), "never.sqlite")], t2.io, {
        dataDir: join(tmpdir(), "mg-no-such-dir"),
      }),
    ).toBe(1);
    expect(t2.out.stderr).toMatch(/does not exist/);
  });
});
