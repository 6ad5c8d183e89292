/**
 * Journals written by earlier versions must replay after an upgrade. The
 * layout-2 file is frozen bytes written by the version that introduced that
 * layout: 8 group commits (48 observations of 40 transmissions, a meta key,
 * two outbox messages and one ack), each frame compressed against the
 * file's earlier records.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StoreEngine } from "../../daemon/store/engine.ts";
import { parseJournal } from "../../daemon/store/journal.ts";
import { decodeOp } from "../../daemon/store/ops.ts";
import * as q from "../../daemon/store/queries.ts";
import { engineOptions, storeDir } from "../support/store.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "journal-layout2.bin");

describe("journal layout 2 (frozen file)", () => {
  it("parses into its 11 records, in sequence", () => {
    const p = parseJournal(readFileSync(FIXTURE));
    expect(p).toMatchObject({ layout: 2, torn: false });
    expect(p.frames.map((f) => decodeOp(f).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("replays into the store with every row", async () => {
    const dir = storeDir("compat2");
    copyFileSync(FIXTURE, join(dir, "journal-0000000000000001.log"));
    const e = await StoreEngine.open(engineOptions(dir, { hotMaxHours: undefined }));
    const n = (sql: string) => q.scalar(e.database, sql);
    expect(n("SELECT count(*) FROM observations")).toBe(48);
    expect(n("SELECT count(*) FROM transmissions")).toBe(40);
    expect(n("SELECT count(*) FROM outbox")).toBe(1);
    expect(e.getMeta("fixture")).toBe("layout 2");
    expect(e.health().error).toBeNull();
    await e.close();
  });
});
