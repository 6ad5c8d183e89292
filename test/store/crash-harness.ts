/**
 * Runs the crash-test child (crash-child.ts) and kills it with SIGKILL, then
 * reads back what a restarted store holds. Shared by the power-cut tests.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { scalar } from "../../daemon/store/queries.ts";
import { CRASH_FSYNC_MS, engineOptions } from "../support/store.ts";

const child = join(import.meta.dirname, "crash-child.ts");

export interface Round {
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
export function runChild(
  dir: string,
  start: number,
  seed: number,
  mode: string,
  killAfterAcks: number,
  extraMs: number,
  /** The child's store.snapshotMinJournalBytes (default 8 KiB). */
  minJournalBytes?: number,
): Promise<Round> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        child,
        dir,
        String(start),
        String(seed),
        mode,
        ...(minJournalBytes === undefined ? [] : [String(minJournalBytes)]),
      ],
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

export async function present(
  dir: string,
): Promise<{ obs: number; distinct: number; numbers: Set<number> }> {
  const e = await StoreEngine.open(
    engineOptions(dir, { fsyncIntervalMs: CRASH_FSYNC_MS, hotMaxHours: undefined, readOnly: true }),
  );
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

/** Allowance past the fsync interval: the fdatasync itself and libuv's cached loop time. */
const ALLOWANCE_MS = 50;

/** What was acknowledged across rounds, and the checks each restart must pass. */
export class Ledger {
  /** The next number to feed (numbers past the last ack may be stored; never reused). */
  next = 1;
  readonly mustHave = new Set<number>();
  worstLateMs = 0;

  check(r: Round, p: Awaited<ReturnType<typeof present>>, label: string): void {
    const { mustHave } = this;
    const next = this.next;
    expect(p.obs, label).toBe(p.distinct); // no observation twice
    expect(p.obs, label).toBe(p.numbers.size);
    let prev = next - 1;
    for (const a of r.acks) {
      const age = r.killedAt - a.at;
      if (age > CRASH_FSYNC_MS + ALLOWANCE_MS) {
        for (let n = prev + 1; n <= a.last; n++) mustHave.add(n);
      } else if (!p.numbers.has(a.last)) this.worstLateMs = Math.max(this.worstLateMs, age);
      prev = a.last;
    }
    // Everything acknowledged long enough before any kill so far is still there.
    const lost = [...mustHave].filter((n) => !p.numbers.has(n));
    expect(
      lost,
      `${label}: acknowledged observations lost; beat ${r.killedAt}, acks ${JSON.stringify(r.acks.slice(-8))}`,
    ).toEqual([]);
    const maxFed = Math.max(next - 1, prev, ...p.numbers);
    // The child never gets more than one batch (<= 20) past its last ack.
    for (const n of p.numbers) expect(n).toBeLessThanOrEqual(prev + 20);
    this.next = maxFed + 21; // numbers past the last ack may be in the DB; never reuse them
  }
}
