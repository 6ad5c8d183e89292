/** Synthetic observations for store tests: seeded, realistic sizes, no other layers needed. */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../daemon/core/log.ts";
import type { ObservationInput } from "../../daemon/store/api.ts";
import type { EngineOptions } from "../../daemon/store/engine.ts";
import { nodeFs } from "../../daemon/store/fsport.ts";
import { loadMigrations, type Migration } from "../../daemon/store/migrate.ts";
import { defaultSchemaDir } from "../../daemon/store/paths.ts";
import type { StoreOptions } from "../../daemon/store/store.ts";
import { rng } from "./rng.ts";

/** The schema migrations the daemon ships (schema/NNN_name.sql), oldest first. */
export function shippedMigrations(): Migration[] {
  return loadMigrations(nodeFs, defaultSchemaDir());
}

/** A fresh data dir of its own for one test (`mg-<name>-XXXXXX` in the temp dir). */
export function storeDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `mg-${name}-`));
}

/**
 * The settings most store tests share: quick group commits, no size or age
 * limit, and the synthetic 2026 timestamps kept hot (archiving has its own
 * tests, which override the archive settings). `hotMaxHours: undefined` gives
 * the archiver's default window back.
 */
function base(dataDir: string) {
  return {
    dataDir,
    snapshotJournalRatio: 0.5,
    maxDbMB: 64,
    maxAgeDays: 1e5,
    hotMaxHours: 1e6 as number | undefined,
    log: silentLogger(),
  };
}

/** Options for a StoreEngine in this process (group commit every 20 ms). */
export function engineOptions(dataDir: string, more: Partial<EngineOptions> = {}): EngineOptions {
  return { ...base(dataDir), fsyncIntervalMs: 20, ...more };
}

/** Options for createStore, the store in its worker (group commit every 50 ms). */
export function storeOptions(dataDir: string, more: Partial<StoreOptions> = {}): StoreOptions {
  return { ...base(dataDir), fsyncIntervalMs: 50, ...more };
}

/** Observations synthObs(from) .. synthObs(to - 1). */
export function obsRange(from: number, to: number): ObservationInput[] {
  const out: ObservationInput[] = [];
  for (let i = from; i < to; i++) out.push(synthObs(i));
  return out;
}

/** Whether the sqlite3 shell is installed (the tests that read files with it skip without). */
export const hasSqlite3 = (() => {
  try {
    execFileSync("sqlite3", ["-version"]);
    return true;
  } catch {
    return false;
  }
})();

/** One query through the sqlite3 shell, read-only, trimmed output. */
export function sqlite3(file: string, sql: string): string {
  return execFileSync("sqlite3", ["-readonly", file, sql], { encoding: "utf8" }).trim();
}

/** Group-commit interval the crash test runs the store with. */
export const CRASH_FSYNC_MS = 100;

export function hashOf(n: number): string {
  return n.toString(16).padStart(16, "0");
}

/** Observation number n of transmission tx (hash derived from tx), raw sized 20..180 bytes. */
export function synthObs(
  tx: number,
  opts: { at?: number; radioId?: string; rand?: () => number; hops?: string[] } = {},
): ObservationInput {
  const rand = opts.rand ?? rng(tx);
  const len = 20 + Math.floor(rand() * 160);
  const raw = new Uint8Array(len);
  for (let i = 0; i < len; i++) raw[i] = Math.floor(rand() * 256);
  raw[0] = (5 << 2) | 1; // GRP_TXT, FLOOD
  return {
    hash: hashOf(tx),
    raw,
    radioId: opts.radioId ?? "r1",
    at: opts.at ?? 1_770_000_000_000 + tx * 1000,
    snr: Math.round((rand() * 30 - 10) * 4) / 4,
    rssi: -Math.floor(40 + rand() * 80),
    payloadType: 5,
    route: 1,
    version: 0,
    hashSize: 1,
    hops: opts.hops ?? ["a1", "b2"],
    error: null,
    summary: `#test: message ${tx}`,
  };
}

/** An ingest record as the first journal layout wrote it (frozen bytes: old journals must replay). */
export const V1_INGEST_HEX =
  "01070329030100112233445566aa07726164696f2d41fbc8e2e1c133011101c101020261310262320a020002081502a1b2d9010203000923746573743a20686905237465737402616c026869feb980980d2a000100112233445566aa07726164696f2d42c8cbe2e1c13300019f01010261312b0501ffeeddccbbaa998807726164696f2d41e8cfe2e1c13301280177000802000204110009090008414456455254206e404142414241424142414241424142414241424142414241424142414241424142414241424142414241424142414241424142414241424142414241424142414201016e0401c0d1e123019f8ccb74e09dff970d011e7b226665617475726531223a332c226665617475726532223a6e756c6c7d";
