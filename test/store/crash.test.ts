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
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rng } from "../support/rng.ts";
import { Ledger, present, runChild } from "./crash-harness.ts";

const ROUNDS = Number(process.env.MG_CRASH_ROUNDS ?? 20);

describe("power cuts (SIGKILL) during ingest and snapshots", () => {
  it(`${ROUNDS} seeded rounds: always opens, nothing acknowledged is lost, nothing duplicated`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mg-crash-"));
    const rand = rng(20261124);
    const ledger = new Ledger();
    for (let round = 0; round < ROUNDS; round++) {
      const mode = round % 10 === 9 ? "worker" : "engine";
      const r = await runChild(
        dir,
        ledger.next,
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
          next: ledger.next,
          acks: r.acks.length,
          first: r.acks[0],
          last: r.acks.at(-1),
          missing: missing.slice(0, 5),
          files: readdirSync(dir),
          nums: [Math.min(...p.numbers), Math.max(...p.numbers), p.numbers.size],
        });
      }
      ledger.check(r, p, `round ${round} (${mode})`);
    }
    const acked = ledger.mustHave.size;
    expect(acked).toBeGreaterThan(ROUNDS * 5);
    console.log(
      `crash test: ${acked} observations checked durable; the oldest lost ack was ${ledger.worstLateMs} ms before its kill`,
    );
  }, 300_000);
});
