/** Read queries behind StoreApi. All lists are bounded by a capped limit. */
import type { ChannelMessageRow, NodeRow, OutboxMessage, PacketQuery, PacketRow } from "./api.ts";
import { type SqlRecord, type SqlRow, selectRecords, selectRows, type Val } from "./columns.ts";
import type { Database } from "./sqlite.ts";

export const MAX_LIMIT = 1000;

// Packet rows are the store's hot scan (model rebuilds read every row), so
// they map by position into one object literal, the cheapest way in V8.
const PACKET_COLS = `o.id, t.hash, t.raw, r.name, o.at, o.snr, o.rssi, o.payload_type, o.route, t.hash_size,
  o.path, o.first_seen, t.summary, t.error
  FROM observations o JOIN transmissions t ON t.id = o.tx_id JOIN radios r ON r.id = o.radio_id`;

export function clampLimit(n: number): number {
  return Math.max(0, Math.min(MAX_LIMIT, Math.trunc(Number.isFinite(n) ? n : 0)));
}

function packet(r: SqlRow): PacketRow {
  const path = String(r[10] ?? "");
  return {
    id: Number(r[0]),
    hash: String(r[1]),
    raw: r[2] as Uint8Array,
    radioId: String(r[3]),
    at: Number(r[4]),
    snr: r[5] === null ? null : Number(r[5]),
    rssi: r[6] === null ? null : Number(r[6]),
    payloadType: Number(r[7]),
    route: Number(r[8]),
    hashSize: Number(r[9]),
    hops: path === "" ? [] : path.split(","),
    firstSeen: r[11] === 1,
    summary: String(r[12]),
    error: r[13] === null ? null : String(r[13]),
  };
}

function packets(db: Database, sql: string, params: Val[]): PacketRow[] {
  return selectRows(db, sql, params).map(packet);
}

export function listPackets(db: Database, q: PacketQuery): PacketRow[] {
  const where: string[] = [];
  const params: Val[] = [];
  const add = (sql: string, ...v: Val[]) => {
    where.push(sql);
    params.push(...v);
  };
  if (q.before !== undefined) add("o.id < ?", q.before);
  if (q.payloadType !== undefined) add("o.payload_type = ?", q.payloadType);
  if (q.route !== undefined) add("o.route = ?", q.route);
  if (q.hash !== undefined)
    add("o.tx_id = (SELECT id FROM transmissions WHERE hash = ?)", q.hash.toLowerCase());
  if (q.radioId !== undefined)
    add("o.radio_id = (SELECT id FROM radios WHERE name = ?)", q.radioId);
  if (q.channel !== undefined) add("t.channel = ?", q.channel);
  if (q.since !== undefined) add("o.at >= ?", q.since);
  if (q.until !== undefined) add("o.at <= ?", q.until);
  if (q.node !== undefined && q.node !== "") {
    // Adverts by the node, or packets whose path holds its hop prefix (the
    // first hash_size bytes of the key).
    const key = q.node.toUpperCase().slice(0, 64);
    add(
      "(t.advert_key LIKE ? OR (t.hash_size > 0 AND instr(',' || o.path, ',' || lower(substr(?, 1, 2 * t.hash_size))) > 0))",
      `${key.replace(/[%_]/g, "")}%`,
      key,
    );
  }
  const sql = `SELECT ${PACKET_COLS} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY o.id DESC LIMIT ?`;
  return packets(db, sql, [...params, clampLimit(q.limit)]);
}

export function getTransmission(db: Database, hash: string): PacketRow[] {
  const sql = `SELECT ${PACKET_COLS} WHERE o.tx_id = (SELECT id FROM transmissions WHERE hash = ?) ORDER BY o.id LIMIT ${MAX_LIMIT}`;
  return packets(db, sql, [hash.toLowerCase()]);
}

export function scanObservations(db: Database, afterId: number, limit: number): PacketRow[] {
  return packets(db, `SELECT ${PACKET_COLS} WHERE o.id > ? ORDER BY o.id LIMIT ?`, [
    afterId,
    clampLimit(limit),
  ]);
}

function extras(v: Val): Record<string, unknown> | null {
  if (typeof v !== "string") return null;
  try {
    return JSON.parse(v) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const NODE_COLS = `public_key AS publicKey, name, role, lat, lon, first_seen AS firstSeen,
  last_seen AS lastSeen, last_advert AS lastAdvert, advert_timestamp AS advertTimestamp,
  advert_count AS advertCount, extras`;

function node(r: SqlRecord): NodeRow {
  return { ...(r as unknown as NodeRow), extras: extras(r.extras ?? null) };
}

/**
 * Every node, last heard first. Sorted here: nodes has no index on
 * last_seen (schema/005), and SQLite's sorter would take the whole table
 * into WebAssembly memory, which never shrinks.
 */
export function listNodes(db: Database): NodeRow[] {
  const rows = selectRecords(db, `SELECT ${NODE_COLS} FROM nodes`, []).map(node);
  return rows.sort((a, b) => b.lastSeen - a.lastSeen || (a.publicKey < b.publicKey ? -1 : 1));
}

export function scanNodes(db: Database, afterKey: string, limit: number): NodeRow[] {
  return selectRecords(
    db,
    `SELECT ${NODE_COLS} FROM nodes WHERE public_key > ? ORDER BY public_key LIMIT ?`,
    [afterKey, clampLimit(limit)],
  ).map(node);
}

export function getNode(db: Database, publicKey: string): NodeRow | null {
  const r = selectRecords(db, `SELECT ${NODE_COLS} FROM nodes WHERE public_key = ?`, [
    publicKey.toUpperCase(),
  ]);
  return r[0] ? node(r[0]) : null;
}

export function listChannelMessages(
  db: Database,
  channel: string | null,
  limit: number,
  before?: number,
  /** In a partition: only messages whose first hearing is at or below the manifest's max_id. */
  maxObsId?: number,
): ChannelMessageRow[] {
  const where: string[] = [];
  const params: Val[] = [];
  if (maxObsId !== undefined) {
    where.push("tx_id IN (SELECT tx_id FROM observations WHERE id <= ? AND first_seen = 1)");
    params.push(maxObsId);
  }
  if (channel !== null) {
    where.push("channel = ?");
    params.push(channel);
  }
  if (before !== undefined) {
    where.push("id < ?");
    params.push(before);
  }
  const sql = `SELECT id, hash, channel, sender, text, at, sender_ts AS senderTimestamp FROM channel_messages ${
    where.length ? `WHERE ${where.join(" AND ")}` : ""
  } ORDER BY id DESC LIMIT ?`;
  return selectRecords(db, sql, [...params, clampLimit(limit)]) as unknown as ChannelMessageRow[];
}

export function outboxPeek(db: Database, broker: string, limit: number): OutboxMessage[] {
  const sql =
    "SELECT id, broker, topic, payload, qos, retain, created_at AS createdAt FROM outbox WHERE broker = ? ORDER BY id LIMIT ?";
  return selectRecords(db, sql, [broker, clampLimit(limit)]).map(
    (r): OutboxMessage => ({
      ...(r as unknown as OutboxMessage),
      qos: r.qos === 1 ? 1 : 0,
      retain: r.retain === 1,
    }),
  );
}

export function outboxDepth(db: Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of selectRows(db, "SELECT broker, count(*) FROM outbox GROUP BY broker", []))
    out[String(r[0])] = Number(r[1]);
  return out;
}

export function scalar(db: Database, sql: string, params: Val[] = []): number {
  return Number(selectRows(db, sql, params)[0]?.[0] ?? 0);
}
