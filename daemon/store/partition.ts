/**
 * Archive partition files: plain SQLite databases in dataDir/archive/, one
 * per UTC day of receive time, split into parts when a day's file reaches the
 * size cap. Each holds the hot schema's history tables under the same names
 * and columns (so the hot DB's read queries run on it unchanged) with the
 * indexes history queries need; `sqlite3 obs-2026-12-05-000.sqlite` opens one.
 *
 * Ids: observation and channel-message ids are the store's own (global,
 * never reused); transmissions get ids local to the file, found by hash,
 * because the hot DB may hand a deleted transmission's id out again.
 */
import type { Database } from "./sqlite.ts";

const NAME = /^obs-(\d{4})-(\d{2})-(\d{2})-(\d{3})\.sqlite$/;
export const DAY_MS = 86_400_000;

export interface PartitionInfo {
  readonly name: string;
  /** ms epoch of the UTC midnight starting the day. */
  readonly day: number;
  readonly part: number;
  readonly minId: number;
  readonly maxId: number;
  readonly minAt: number;
  readonly maxAt: number;
  readonly observations: number;
  readonly bytes: number;
}

/** Where a backup written to `file` puts its copies of the archive partitions. */
export function archiveBackupDir(file: string): string {
  return `${file}.archive`;
}

export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

export function partitionName(day: number, part: number): string {
  const d = new Date(day).toISOString().slice(0, 10);
  return `obs-${d}-${String(part).padStart(3, "0")}.sqlite`;
}

export function isPartitionName(name: string): boolean {
  return NAME.test(name);
}

/** Tables and indexes of a partition; IF NOT EXISTS so appending to an existing file is the same statement. */
export function partitionSchema(schema: string): string {
  const s = schema;
  return `
CREATE TABLE IF NOT EXISTS ${s}.radios (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.transmissions (
  id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, raw BLOB NOT NULL, first_at INTEGER NOT NULL,
  payload_type INTEGER NOT NULL, route INTEGER NOT NULL, version INTEGER NOT NULL,
  hash_size INTEGER NOT NULL, summary TEXT NOT NULL, error TEXT, decoded TEXT,
  advert_key TEXT, channel TEXT);
CREATE INDEX IF NOT EXISTS ${s}.transmissions_advert_key ON transmissions(advert_key) WHERE advert_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${s}.observations (
  id INTEGER PRIMARY KEY, tx_id INTEGER NOT NULL, radio_id INTEGER NOT NULL, at INTEGER NOT NULL,
  snr REAL, rssi INTEGER, path TEXT NOT NULL, first_seen INTEGER NOT NULL,
  payload_type INTEGER NOT NULL, route INTEGER NOT NULL, hops INTEGER);
CREATE INDEX IF NOT EXISTS ${s}.observations_tx ON observations(tx_id, id);
CREATE INDEX IF NOT EXISTS ${s}.observations_type ON observations(payload_type, id);
CREATE INDEX IF NOT EXISTS ${s}.observations_at ON observations(at);
CREATE TABLE IF NOT EXISTS ${s}.channel_messages (
  id INTEGER PRIMARY KEY, tx_id INTEGER NOT NULL, hash TEXT NOT NULL, channel TEXT NOT NULL,
  sender TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL, sender_ts INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ${s}.channel_messages_channel ON channel_messages(channel, id);
`;
}

/**
 * Copy hot observations lo..hi (and their transmissions, radios and channel
 * messages) into the attached partition `arc`. INSERT OR IGNORE keyed by
 * observation id and transmission hash: copying the same range twice (a
 * retry after a crash) adds nothing.
 */
export function copyRange(db: Database, lo: number, hi: number): void {
  db.run("INSERT OR REPLACE INTO arc.radios (id, name) SELECT id, name FROM main.radios");
  db.run(
    `INSERT OR IGNORE INTO arc.transmissions (hash, raw, first_at, payload_type, route, version, hash_size, summary, error, decoded, advert_key, channel)
     SELECT hash, raw, first_at, payload_type, route, version, hash_size, summary, error, decoded, advert_key, channel
     FROM main.transmissions WHERE id IN (SELECT DISTINCT tx_id FROM main.observations WHERE id BETWEEN ? AND ?)`,
    [lo, hi],
  );
  db.run(
    `INSERT OR IGNORE INTO arc.observations (id, tx_id, radio_id, at, snr, rssi, path, first_seen, payload_type, route, hops)
     SELECT o.id, a.id, o.radio_id, o.at, o.snr, o.rssi, o.path, o.first_seen, o.payload_type, o.route, o.hops
     FROM main.observations o JOIN main.transmissions t ON t.id = o.tx_id
     JOIN arc.transmissions a ON a.hash = t.hash WHERE o.id BETWEEN ? AND ?`,
    [lo, hi],
  );
  db.run(
    `INSERT OR IGNORE INTO arc.channel_messages (id, tx_id, hash, channel, sender, text, at, sender_ts)
     SELECT c.id, a.id, c.hash, c.channel, c.sender, c.text, c.at, c.sender_ts
     FROM main.channel_messages c JOIN arc.transmissions a ON a.hash = c.hash
     WHERE c.tx_id IN (SELECT DISTINCT tx_id FROM main.observations WHERE id BETWEEN ? AND ? AND first_seen = 1)`,
    [lo, hi],
  );
}
