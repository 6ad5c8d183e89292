/**
 * Power cuts while archiving: the crash child runs with a tiny hot budget, so
 * archive passes (partition write, then the journaled hot delete) run all the
 * time and SIGKILL lands inside them. After every kill the data directory is
 * read back raw, hot DB and partition files separately: every observation
 * acknowledged more than the fsync interval before the kill is in exactly one
 * place (a partition row counts only up to its manifest max_id, as queries
 * read it), and none is in two.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { loadSqlJs } from "../../daemon/store/sqlite.ts";
import { rng } from "../support/rng.ts";
import { CRASH_FSYNC_MS, engineOptions, storeDir } from "../support/store.ts";

const ALLOWANCE_MS = 50;
const ROUNDS = Number(process.env.MG_ARCHIVE_CRASH_ROUNDS ?? 8);
const child = join(import.meta.dirname, "crash-child.ts");

interface Round {
  acks: { last: number; at: number }[];
  killedAt: number;
  opened: boolean;
  stderr: string;
}

function runChild(dir: string, start: number, seed: number, killAfterAcks: number): Promise<Round> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", child, dir, String(start), String(seed), "engine", "8192", "archive"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const r: Round = { acks: [], killedAt: 0, opened: false, stderr: "" };
    let lastBeat = 0;
    let buf = "";
    p.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === "open") r.opened = true;
        else if (line.startsWith("t ")) {
          // The second-to-last beat (crash.test.ts explains why).
          r.killedAt = lastBeat;
          lastBeat = Number(line.slice(2));
        } else if (line.startsWith("ack ")) {
          const [, last, at] = line.split(" ");
          r.acks.push({ last: Number(last), at: Number(at) });
          if (r.acks.length === killAfterAcks) p.kill("SIGKILL");
        }
      }
    });
    p.stderr.on("data", (d: Buffer) => {
      r.stderr += d.toString();
    });
    p.on("exit", () => resolve(r));
  });
}

/** Numbers (transmission hashes) in the hot DB and in the partitions, counted separately. */
async function present(dir: string): Promise<{ hot: number[]; archived: number[] }> {
  const e = await StoreEngine.open(
    engineOptions(dir, { fsyncIntervalMs: CRASH_FSYNC_MS, hotMaxHours: undefined, readOnly: true }),
  );
  const SQL = await loadSqlJs();
  const num = (v: unknown) => Number.parseInt(String(v), 16);
  try {
    const hot = (
      e.database.exec("SELECT t.hash FROM observations o JOIN transmissions t ON t.id = o.tx_id")[0]
        ?.values ?? []
    ).map((r) => num(r[0]));
    const archived: number[] = [];
    const parts = e.database.exec("SELECT name, max_id FROM archive_partitions")[0]?.values ?? [];
    for (const [name, maxId] of parts) {
      const db = new SQL.Database(readFileSync(join(dir, "archive", String(name))));
      const rows = db.exec(
        `SELECT t.hash FROM observations o JOIN transmissions t ON t.id = o.tx_id WHERE o.id <= ${Number(maxId)}`,
      )[0];
      for (const r of rows?.values ?? []) archived.push(num(r[0]));
      db.close();
    }
    return { hot, archived };
  } finally {
    e.abandon();
  }
}

describe("power cuts (SIGKILL) during archive passes", () => {
  it(`${ROUNDS} seeded rounds: nothing acknowledged lost, nothing in two places`, async () => {
    const dir = storeDir("arc-crash");
    const rand = rng(20261206);
    let next = 1;
    const mustHave = new Set<number>();
    let archivedSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r = await runChild(dir, next, round + 1, 20 + Math.floor(rand() * 120));
      expect(r.opened, `round ${round}: store did not open\n${r.stderr}`).toBe(true);
      const p = await present(dir);
      const all = [...p.hot, ...p.archived];
      const seen = new Set(all);
      expect(all.length, `round ${round}: an observation is in two places`).toBe(seen.size);
      let prev = next - 1;
      for (const a of r.acks) {
        if (r.killedAt - a.at > CRASH_FSYNC_MS + ALLOWANCE_MS)
          for (let n = prev + 1; n <= a.last; n++) mustHave.add(n);
        prev = a.last;
      }
      const lost = [...mustHave].filter((n) => !seen.has(n));
      expect(lost, `round ${round}: acknowledged observations lost`).toEqual([]);
      archivedSeen = Math.max(archivedSeen, p.archived.length);
      next = Math.max(prev, ...all) + 21;
    }
    // The rounds did exercise archiving, not only the hot DB.
    expect(archivedSeen).toBeGreaterThan(500);
    expect(mustHave.size).toBeGreaterThan(ROUNDS * 50);
  }, 300_000);
});
