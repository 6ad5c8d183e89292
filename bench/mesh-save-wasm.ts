/**
 * What a save of the mesh model's node rows costs in the store's WebAssembly
 * memory, which never goes back to the OS. SQLite keeps the journal of a
 * transaction in that memory (journal_mode MEMORY): one page per page the
 * transaction changes. Each case runs on a fresh store engine (sql.js in
 * memory, in this process) holding `nodes` store rows, and prints how much
 * of the WebAssembly memory became resident:
 *
 * - batches of 500 node rows in the order the model learnt the keys (random
 *   in key order), the same in batches of SAVE_BATCH rows (as a save writes
 *   the rows that changed), and 500 in key order (as a full save writes them);
 * - a clear (before a full save after a rebuild from scratch) of a node
 *   column that every node has filled, and the same as one UPDATE;
 * - the real full save (mesh/persist.ts saveChanges, SAVE_BATCH rows a
 *   write) of a model that knows `nodes` nodes by their adverts alone (no
 *   links), their store rows there;
 * - the upgrade to schema 7, which moves every node's row out of
 *   node_stats in the migration's one transaction.
 *
 *   node --import tsx bench/mesh-save-wasm.ts [nodes]
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Dirty, SAVE_BATCH, saveChanges } from "../daemon/mesh/persist.ts";
import { MeshState } from "../daemon/mesh/state.ts";
import { resolveConfig } from "../daemon/mesh/types.ts";
import { nodeFs } from "../daemon/store/fsport.ts";
import { NODE_ROW_KIND } from "../daemon/store/mesh-rows.ts";
import { loadMigrations, migrate } from "../daemon/store/migrate.ts";
import { defaultSchemaDir } from "../daemon/store/paths.ts";
import { loadSqlJs, wasmMemoryBytes, withSmallCache } from "../daemon/store/sqlite.ts";
import { memoryTables, type TablesStore } from "../test/support/mesh/tables.ts";
import { readMappings } from "./_rss-breakdown.ts";

const NODES = Number(process.argv[2]?.startsWith("--") ? 16_400 : (process.argv[2] ?? 16_400));
const BATCH = 500;
const ROW = '[1794388734624,0,0,0,1,"node-4550",2,52.684357,13.83266]';

/** Resident MiB of this thread's sql.js memory (its mapping is exactly its size). */
function wasmResident(): number {
  const bytes = wasmMemoryBytes();
  const m = readMappings(process.pid).find((x) => x.end - x.start === bytes);
  return m ? m.rssKb / 1024 : Number.NaN;
}

async function withNodes(keys: readonly string[]) {
  const t = await memoryTables();
  const insert = t.engine.database.prepare(
    "INSERT INTO nodes (public_key, name, role, lat, lon, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, 'node', 2, 52.5, 13.4, 1, 1, 1, 1, 1)",
  );
  for (const k of keys) insert.run([k]);
  insert.free();
  return t;
}

/** Node rows written through the store's mesh operation, `batch` at a time in the given order. */
function writeRows(t: TablesStore, order: readonly string[], batch: number): void {
  for (let i = 0; i < order.length; i += batch)
    t.engine.meshWrite({
      upsert: { node_stats: order.slice(i, i + batch).map((k) => [NODE_ROW_KIND, k, ROW]) },
    });
}

/** Node rows written `batch` at a time in the given order; resident growth in MiB. */
async function batches(
  keys: readonly string[],
  order: readonly string[],
  batch = BATCH,
): Promise<number> {
  const t = await withNodes(keys);
  const before = wasmResident();
  writeRows(t, order, batch);
  const grown = wasmResident() - before;
  t.engine.abandon();
  return grown;
}

/** A clear of a filled node column: by the store's clear, or (`oneStatement`) as one UPDATE. */
async function clear(keys: readonly string[], oneStatement = false): Promise<number> {
  const t = await withNodes(keys);
  writeRows(t, [...keys].sort(), BATCH);
  const before = wasmResident();
  if (oneStatement)
    t.engine.database.exec("BEGIN; UPDATE nodes SET mesh = NULL WHERE mesh IS NOT NULL; COMMIT");
  else t.engine.meshWrite({ clear: true });
  const grown = wasmResident() - before;
  t.engine.abandon();
  return grown;
}

/** The real full save of a model that knows the nodes by their adverts alone. */
async function fullSave(): Promise<number> {
  const s = new MeshState(resolveConfig({ maxNodes: NODES * 2 }));
  const at = Date.UTC(2026, 4, 1);
  keys.forEach((k, i) => {
    const pos = { lat: 52 + (i % 1000) / 1000, lon: 13.25 };
    s.nodes.advert(
      { publicKey: k, role: 2, name: `node-${i}`, timestamp: at / 1000 + i, ...pos },
      at + i * 1000,
      1,
      true,
    );
  });
  const t = await withNodes(keys);
  const before = wasmResident();
  const d = new Dirty();
  d.all = true;
  await saveChanges(t.port, s, d, Date.now());
  const grown = wasmResident() - before;
  t.engine.abandon();
  return grown;
}

/** The upgrade to schema 7: every node's row moves from node_stats into its nodes row. */
async function migration(): Promise<number> {
  const SQL = await loadSqlJs();
  const db = withSmallCache(new SQL.Database());
  const migrations = loadMigrations(nodeFs, defaultSchemaDir());
  migrate(db, migrations, 6);
  const node = db.prepare(
    "INSERT INTO nodes (public_key, name, role, lat, lon, first_seen, last_seen, last_advert, advert_timestamp, advert_count) VALUES (?, 'node', 2, 52.5, 13.4, 1, 1, 1, 1, 1)",
  );
  const stat = db.prepare("INSERT INTO node_stats (kind, id, data) VALUES (1, ?, ?)");
  for (const k of keys) {
    node.run([k]);
    stat.run([k, ROW]);
  }
  node.free();
  stat.free();
  const before = wasmResident();
  migrate(db, migrations, 7);
  const grown = wasmResident() - before;
  db.close();
  return grown;
}

const CASES: Record<string, () => Promise<number>> = {
  "node rows in learnt order": () => batches(keys, keys),
  "the same, SAVE_BATCH rows": () => batches(keys, keys, SAVE_BATCH),
  "node rows in key order": () => batches(keys, [...keys].sort()),
  "clear of the node column": () => clear(keys),
  "the same as one UPDATE": () => clear(keys, true),
  "full save (saveChanges)": fullSave,
  "upgrade to schema 7": migration,
};
const keys = Array.from({ length: NODES }, (_, i) =>
  createHash("sha256").update(String(i)).digest("hex").toUpperCase(),
);
const only = process.argv.indexOf("--case");
if (only >= 0) {
  // One case per process: the memory only grows, so cases must not share it.
  console.log((await CASES[process.argv[only + 1]!]!()).toFixed(2));
} else {
  console.log(
    `WebAssembly memory made resident, ${NODES} nodes, ${BATCH}-row batches unless said:`,
  );
  for (const name of Object.keys(CASES)) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(NODES), "--case", name],
      { encoding: "utf8" },
    );
    console.log(`  ${name.padEnd(28)} ${out.trim()} MiB`);
  }
}
