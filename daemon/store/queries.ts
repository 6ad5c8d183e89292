/** Read queries behind StoreApi. All lists are bounded by a capped limit. */
import type { ChannelMessageRow, NodeRow, OutboxMessage, PacketQuery, PacketRow } from "./api.ts";
import {
  blob,
  columns,
  flag,
  num,
  numOrNull,
  type SqlRow,
  selectRows,
  str,
  strOrNull,
  type Val,
} from "./columns.ts";
import type { Database } from "./sqlite.ts";

export const MAX_LIMIT = 1000;

const PACKET = columns({
  id: ["o.id", num],
  hash: ["t.hash", str],
  raw: ["t.raw", blob],
  radioId: ["r.name", str],
  at: ["o.at", num],
  snr: ["o.snr", numOrNull],
  rssi: ["o.rssi", numOrNull],
  payloadType: ["o.payload_type", num],
  route: ["o.route", num],
  hashSize: ["t.hash_size", num],
  hops: ["o.path", (v) => (v === null || v === "" ? [] : String(v).split(","))],
  firstSeen: ["o.first_seen", flag],
  summary: ["t.summary", str],
  error: ["t.error", strOrNull],
});
const PACKET_FROM =
  "FROM observations o JOIN transmissions t ON t.id = o.tx_id JOIN radios r ON r.id = o.radio_id";
const PACKET_COLS = `${PACKET.sql} ${PACKET_FROM}`;

export function clampLimit(n: number): number {
  return Math.max(0, Math.min(MAX_LIMIT, Math.trunc(Number.isFinite(n) ? n : 0)));
}

function packets(db: Database, sql: string, params: Val[]): PacketRow[] {
  return selectRows(db, sql, params).map((r): PacketRow => PACKET.read(r));
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

const NODE = columns({
  publicKey: ["public_key", str],
  name: ["name", strOrNull],
  role: ["role", num],
  lat: ["lat", numOrNull],
  lon: ["lon", numOrNull],
  firstSeen: ["first_seen", num],
  lastSeen: ["last_seen", num],
  lastAdvert: ["last_advert", num],
  advertTimestamp: ["advert_timestamp", num],
  advertCount: ["advert_count", num],
  extras: ["extras", extras],
});

function node(r: SqlRow): NodeRow {
  return NODE.read(r);
}

export function listNodes(db: Database): NodeRow[] {
  return selectRows(db, `SELECT ${NODE.sql} FROM nodes ORDER BY last_seen DESC`, []).map(node);
}

export function getNode(db: Database, publicKey: string): NodeRow | null {
  const r = selectRows(db, `SELECT ${NODE.sql} FROM nodes WHERE public_key = ?`, [
    publicKey.toUpperCase(),
  ]);
  return r[0] ? node(r[0]) : null;
}

const CHANNEL_MESSAGE = columns({
  id: ["id", num],
  hash: ["hash", str],
  channel: ["channel", str],
  sender: ["sender", str],
  text: ["text", str],
  at: ["at", num],
  senderTimestamp: ["sender_ts", num],
});

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
  const sql = `SELECT ${CHANNEL_MESSAGE.sql} FROM channel_messages ${
    where.length ? `WHERE ${where.join(" AND ")}` : ""
  } ORDER BY id DESC LIMIT ?`;
  return selectRows(db, sql, [...params, clampLimit(limit)]).map(
    (r): ChannelMessageRow => CHANNEL_MESSAGE.read(r),
  );
}

const OUTBOX = columns({
  id: ["id", num],
  broker: ["broker", str],
  topic: ["topic", str],
  payload: ["payload", str],
  qos: ["qos", (v): 0 | 1 => (Number(v) === 1 ? 1 : 0)],
  retain: ["retain", flag],
  createdAt: ["created_at", num],
});

export function outboxPeek(db: Database, broker: string, limit: number): OutboxMessage[] {
  const sql = `SELECT ${OUTBOX.sql} FROM outbox WHERE broker = ? ORDER BY id LIMIT ?`;
  return selectRows(db, sql, [broker, clampLimit(limit)]).map((r): OutboxMessage => OUTBOX.read(r));
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
