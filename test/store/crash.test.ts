/**
 * Power-cut test: a child process ingests a numbered sequence and is killed
 * with SIGKILL at seeded random moments (during ingest and snapshots), then
 * the store is reopened. It must always open; every observation acknowledged
 * more than the fsync interval before the kill must be there; none may be
 * duplicated. "Before the kill" is measured on the child's own clock: its
 * last heartbeat. On a loaded machine a process can be starved for a long
 * time, and the fsync interval is a promise about time the process runs. The
 * allowance covers the fdatasync itself and libuv's cached loop time.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { scalar } from "../../daemon/store/queries.ts";
import { CRASH_FSYNC_MS, rng } from "./helpers.ts";

const ALLOWANCE_MS = 50;
const ROUNDS = Number(process.env.MG_CRASH_ROUNDS ?? 20);
const child = join(import.meta.dirname, "crash-child.ts");

interface Round {
  acks: { last: number; at: number }[];
  /** The child's clock at its second-to-last heartbeat before the kill. */
  killedAt: number;
  lastBeat: number;
  opened: boolean;
  stderr: string;
}

/**
 * The kill lands after the child acknowledged `killAfterAcks` batches, plus
 * `extraMs`: counting acks rather than ms keeps the rounds meaningful when
 * the machine is so busy that the child gets little CPU.
 */
function runChild(
  dir: string,
  start: number,
  seed: number,
  mode: string,
  killAfterAcks: number,
  extraMs: number,
): Promise<Round> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", child, dir, String(start), String(seed), mode],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const r: Round = { acks: [], killedAt: 0, lastBeat: 0, opened: false, stderr: "" };
    let buf = "";
    p.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === "open") {
          r.opened = true;
        } else if (line.startsWith("t ")) {
          // Judge by the second-to-last beat: the last beat's timer pass may
          // have run before a due flush timer of the same pass (libuv runs a
          // pass's timers by due time, not by wall clock). Everything due by the
          // previous pass had finished once the last beat was printed.
          r.killedAt = r.lastBeat;
          r.lastBeat = Number(line.slice(2));
        } else if (line.startsWith("ack ")) {
          const [, last, at] = line.split(" ");
          r.acks.push({ last: Number(last), at: Number(at) });
          if (r.acks.length === killAfterAcks) setTimeout(() => p.kill("SIGKILL"), extraMs);
        }
        i = buf.indexOf("\n");
      }
    });
    p.stderr.on("data", (d: Buffer) => {
      r.stderr += d.toString();
    });
    p.on("exit", () => resolve(r));
  });
}

async function present(
  dir: string,
): Promise<{ obs: number; distinct: number; numbers: Set<number> }> {
  const e = await StoreEngine.open({
    dataDir: dir,
    fsyncIntervalMs: CRASH_FSYNC_MS,
    snapshotJournalRatio: 0.5,
    maxDbMB: 64,
    maxAgeDays: 1e5,
    log: silentLogger(),
    readOnly: true,
  });
  try {
    const db = e.database;
    const numbers = new Set<number>();
    const res = db.exec(
      "SELECT t.hash FROM observations o JOIN transmissions t ON t.id = o.tx_id",
    )[0];
    for (const row of res?.values ?? []) numbers.add(Number.parseInt(String(row[0]), 16));
    return {
      obs: scalar(db, "SELECT count(*) FROM observations"),
      distinct: scalar(db, "SELECT count(DISTINCT tx_id) FROM observations"),
      numbers,
    };
  } finally {
    e.abandon();
  }
}

describe("power cuts (SIGKILL) during ingest and snapshots", () => {
  it(`${ROUNDS} seeded rounds: always opens, nothing acknowledged is lost, nothing duplicated`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mg-crash-"));
    const rand = rng(20261124);
    let next = 1;
    const mustHave = new Set<number>();
    let worstLateMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const mode = round % 10 === 9 ? "worker" : "engine";
      const r = await runChild(
        dir,
        next,
        round + 1,
        mode,
        1 + Math.floor(rand() * 30),
        Math.floor(rand() * 80),
      );
      expect(r.opened, `round ${round}: store did not open\n${r.stderr}`).toBe(true);
      const p = await present(dir);
      if (process.env.MG_CRASH_DEBUG) {
        const missing = r.acks
          .filter((a) => !p.numbers.has(a.last))
          .map((a) => `${a.last}@${r.killedAt - a.at}`);
        console.log(round, mode, {
          next,
          acks: r.acks.length,
          first: r.acks[0],
          last: r.acks.at(-1),
          missing: missing.slice(0, 5),
          files: readdirSync(dir),
          nums: [Math.min(...p.numbers), Math.max(...p.numbers), p.numbers.size],
        });
      }
      expect(p.obs).toBe(p.distinct); // no observation twice
      expect(p.obs).toBe(p.numbers.size);
      let prev = next - 1;
      for (const a of r.acks) {
        const age = r.killedAt - a.at;
        if (age > CRASH_FSYNC_MS + ALLOWANCE_MS) {
          for (let n = prev + 1; n <= a.last; n++) mustHave.add(n);
        } else if (!p.numbers.has(a.last)) worstLateMs = Math.max(worstLateMs, age);
        prev = a.last;
      }
      // Everything acknowledged long enough before any kill so far is still there.
      const lost = [...mustHave].filter((n) => !p.numbers.has(n));
      expect(
        lost,
        `round ${round} (${mode}): acknowledged observations lost; beat ${r.killedAt}, acks ${JSON.stringify(r.acks.slice(-8))}`,
      ).toEqual([]);
      const maxFed = Math.max(next - 1, prev, ...p.numbers);
      // The child never gets more than one batch (<= 20) past its last ack.
      for (const n of p.numbers) expect(n).toBeLessThanOrEqual(prev + 20);
      next = maxFed + 21; // numbers past the last ack may be in the DB; never reuse them
    }
    const acked = mustHave.size;
    expect(acked).toBeGreaterThan(ROUNDS * 5);
    console.log(
      `crash test: ${acked} observations checked durable; the oldest lost ack was ${worstLateMs} ms before its kill`,
    );
  }, 300_000);
});
