/**
 * Journal compression cost of frame groups: bytes per packet of the same
 * record stream written as layout 2 (one dictionary chain per file) and as
 * layout 3 with a fresh dictionary every GROUP record bytes. Prints a
 * markdown table. Run: node --import tsx bench/journal.ts
 * (BENCH_PACKETS: packets per rate, default 20,000).
 *
 * Records are the store's own: simulator traffic (signed adverts, encrypted
 * channel text, relays heard again) decoded by the daemon's decoder and
 * ingested by a real StoreEngine, one group commit per batch. The batch size
 * is the packets per fsync interval: 2 (2 packets/s, the default 1 s
 * interval) up to 200.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../daemon/core/log.ts";
import { StoreEngine } from "../daemon/store/engine.ts";
import { nodeFs } from "../daemon/store/fsport.ts";
import {
  type FrameState,
  frame,
  GROUP_BYTES,
  JOURNAL_MAGIC,
  packFrame,
  packRecords,
  parseJournal,
} from "../daemon/store/journal-format.ts";
import { simulatorTraffic } from "./_sim-traffic.ts";

const PACKETS = Number(process.env.BENCH_PACKETS ?? 20_000);
const BATCHES = [2, 20, 200];
const GROUPS = [64 * 1024, GROUP_BYTES, 256 * 1024];

/** One journal record per group commit of `batch` packets, and the raw bytes they carry. */
async function records(batch: number): Promise<{ records: Uint8Array[]; raw: number }> {
  let raw = 0;
  const traffic = simulatorTraffic((bytes) => {
    raw += bytes;
  });
  const dir = mkdtempSync(join(tmpdir(), "mg-bench-journal-"));
  const e = await StoreEngine.open({
    dataDir: dir,
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 10,
    snapshotMinJournalBytes: Number.MAX_SAFE_INTEGER,
    maxDbMB: 256,
    maxAgeDays: 1e5,
    log: silentLogger(),
    // Only the bytes matter here, not their durability.
    fs: { ...nodeFs, fdatasyncSync: () => {}, fsyncSync: () => {} },
  });
  let at = 1_760_000_000_000;
  for (let n = 0; n < PACKETS; n += batch) {
    at += 1000;
    e.ingest(traffic(batch, at));
    e.flushJournal();
  }
  e.abandon();
  const file = readdirSync(dir).find((f) => f.startsWith("journal-"))!;
  const parsed = parseJournal(readFileSync(join(dir, file)));
  rmSync(dir, { recursive: true });
  return { records: [...parsed.frames], raw };
}

/** Layout 2: every frame compressed against the file's previous 32 KiB. */
function layout2(recs: readonly Uint8Array[]): number {
  let dict: Uint8Array = new Uint8Array(0);
  let bytes = JOURNAL_MAGIC.length;
  for (const r of recs) {
    const p = packRecords([r], dict);
    dict = p.dict;
    bytes += frame(p.packed).length;
  }
  return bytes;
}

function layout3(recs: readonly Uint8Array[], group: number): number {
  let state: FrameState | null = null;
  let bytes = JOURNAL_MAGIC.length;
  for (const r of recs) {
    const p = packFrame([r], state, group);
    state = p.state;
    bytes += p.bytes.length;
  }
  return bytes;
}

const rows: string[][] = [];
for (const batch of BATCHES) {
  const { records: recs, raw } = await records(batch);
  const n = Math.ceil(PACKETS / batch) * batch;
  const base = layout2(recs) / n;
  const cells = [`${batch}`, `${(raw / n).toFixed(1)}`, `${base.toFixed(2)}`];
  for (const g of GROUPS) {
    const per = layout3(recs, g) / n;
    cells.push(`${per.toFixed(2)} (${(((per - base) / base) * 100).toFixed(1)}%)`);
  }
  rows.push(cells);
}
const head = [
  "packets per commit",
  "raw B/packet",
  "layout 2 B/packet",
  ...GROUPS.map((g) => `layout 3, ${g / 1024} KiB groups`),
];
console.log(`journal bytes per packet, simulator traffic, ${PACKETS} packets per row\n`);
console.log(`| ${head.join(" | ")} |`);
console.log(`| ${head.map(() => "---").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
