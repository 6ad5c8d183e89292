/**
 * The soak's anchor (child of bench/soak.ts, run by plain `node`: plain JavaScript, so
 * neither tsx nor Node's type stripping adds to the RSS measured): the same workload on a
 * disk-backed SQLite. node:sqlite (Node 22.5+) is the SQLite library that
 * better-sqlite3 wraps, used here because better-sqlite3's install fetches
 * a prebuilt binary from GitHub or compiles one, which a CI without network
 * or a toolchain cannot do. It creates the store's schema (schema/*.sql) in
 * a file in WAL mode, inserts `n` observations of history in 2,000-row
 * transactions (same shapes as bench/_history-seed.ts: 1 in 3 a second
 * hearing), then inserts `rate` packets a second, one transaction each, for
 * `seconds`, sampling RSS. Prints one JSON line: steady RSS (median of the
 * second half) and VmHWM in MB.
 *
 *   node bench/_sqlite-anchor.mjs <n> <seconds> <rate> <dir>
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const [n = 0, seconds = 60, rate = 2] = process.argv.slice(2, 5).map(Number);
const dir = process.argv[5] ?? ".";
const schemaDir = new URL("../schema/", import.meta.url).pathname;
const kb = (k) =>
  Number(
    new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"))?.[1],
  );

const db = new DatabaseSync(join(dir, "anchor.sqlite"));
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
for (const f of readdirSync(schemaDir)
  .filter((x) => /^\d{3}_.*\.sql$/.test(x))
  .sort())
  db.exec(readFileSync(join(schemaDir, f), "utf8"));
db.exec("INSERT INTO radios (name, first_seen, last_seen) VALUES ('sim', 0, 0)");
const txIns = db.prepare(
  "INSERT INTO transmissions (hash, raw, first_at, last_obs_id, payload_type, route, version, hash_size, summary) VALUES (?, ?, ?, ?, 5, 1, 0, 1, ?) ON CONFLICT(hash) DO UPDATE SET last_obs_id = excluded.last_obs_id",
);
const txId = db.prepare("SELECT id FROM transmissions WHERE hash = ?");
const obsIns = db.prepare(
  "INSERT INTO observations (id, tx_id, radio_id, at, snr, rssi, path, first_seen, payload_type, route, hops) VALUES (?, ?, 1, ?, ?, ?, ?, ?, 5, 1, 2)",
);

let seed = n >>> 0;
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const hex = (v, w) => v.toString(16).padStart(w, "0");

function insert(i, at) {
  const tx = rand() < 0.33 && i > 1 ? i - 1 : i;
  const raw = new Uint8Array(20 + Math.floor(rand() * 140)).map(() => Math.floor(rand() * 256));
  const hash = hex(tx, 16);
  const first = tx === i;
  txIns.run(hash, raw, at, i, `#public: message ${tx}`);
  const id = Number(txId.get(hash).id);
  const path = `${hex(Math.floor(rand() * 256), 2)},${hex(Math.floor(rand() * 256), 2)}`;
  obsIns.run(
    i,
    id,
    at,
    Math.round(rand() * 30 - 10),
    -40 - Math.floor(rand() * 80),
    path,
    first ? 1 : 0,
  );
}

const t0 = Date.now() - 30 * 86_400_000;
for (let i = 1; i <= n; i += 2000) {
  db.exec("BEGIN");
  for (let k = i; k < Math.min(n + 1, i + 2000); k++) insert(k, t0 + k);
  db.exec("COMMIT");
}
const samples = [];
let i = n;
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  for (let k = 0; k < rate; k++) {
    db.exec("BEGIN");
    insert(++i, Date.now());
    db.exec("COMMIT");
  }
  samples.push(kb("VmRSS") / 1024);
  await new Promise((r) => setTimeout(r, 1000));
}
const tail = samples.slice(Math.floor(samples.length / 2)).sort((a, b) => a - b);
console.log(
  JSON.stringify({ steady: tail[Math.floor(tail.length / 2)] ?? 0, hwm: kb("VmHWM") / 1024 }),
);
db.close();
