/**
 * Crash loop: a gateway that loses power a moment after every start. Each
 * run writes less journal than the snapshot threshold, so only the journal
 * replayed at start (counted toward the threshold) gets it snapshotted;
 * without that, every run leaves one more journal file and none is ever
 * removed. Nothing acknowledged may be lost or duplicated meanwhile.
 */
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rng } from "../support/rng.ts";
import { CRASH_FSYNC_MS } from "../support/store.ts";
import { Ledger, present, runChild } from "./crash-harness.ts";

const ROUNDS = 16;
/** The children's snapshot minimum: several runs' journal, never one run's. */
const MIN_JOURNAL = 256 * 1024;
/**
 * Journal files the store may keep: back to the older of its two snapshots
 * (one file per snapshot cycle, as a start appends to the last file) and the
 * current one.
 */
const MAX_JOURNALS = 3;
/**
 * The kill comes this long after the last ack: past the group-commit interval
 * (and the ledger's allowance), so every round's acknowledged batches count
 * as must-survive whatever the machine's load, and the durability check does
 * not depend on how the acks happened to bunch up.
 */
const KILL_AFTER_LAST_ACK_MS = CRASH_FSYNC_MS + 150;

describe("crash loop (SIGKILL shortly after each start)", () => {
  it(`${ROUNDS} rounds: snapshots still happen, journal files stay bounded, nothing lost`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mg-crashloop-"));
    const rand = rng(1405);
    const ledger = new Ledger();
    let mostJournals = 0;
    /** Journal files and their bytes after each round. */
    const perRound: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // 10-20 acknowledged batches, a few group commits, well under the
      // snapshot minimum per run.
      const r = await runChild(
        dir,
        ledger.next,
        round + 1,
        "engine",
        10 + Math.floor(rand() * 10),
        KILL_AFTER_LAST_ACK_MS,
        MIN_JOURNAL,
      );
      expect(r.opened, `round ${round}: store did not open\n${r.stderr}`).toBe(true);
      const p = await present(dir);
      ledger.check(r, p, `round ${round}`);
      const journals = readdirSync(dir).filter((f) => f.startsWith("journal-"));
      const bytes = journals.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      perRound.push(`${journals.length}:${(bytes / 1024).toFixed(0)}K`);
      mostJournals = Math.max(mostJournals, journals.length);
    }
    const files = readdirSync(dir);
    expect(
      files.some((f) => f.startsWith("snapshot-")),
      `no snapshot: ${perRound.join(" ")}`,
    ).toBe(true);
    expect(
      mostJournals,
      `journal files:KiB after each round: ${perRound.join(" ")}`,
    ).toBeLessThanOrEqual(MAX_JOURNALS);
    expect(ledger.mustHave.size).toBeGreaterThan(ROUNDS * 5);
    console.log(
      `crash loop: journal files:KiB after each round ${perRound.join(" ")}; ${ledger.mustHave.size} observations checked durable`,
    );
  }, 300_000);
});
