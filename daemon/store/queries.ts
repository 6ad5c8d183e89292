/** Read queries behind StoreApi. All lists are bounded by a capped limit. */
import type { ChannelMessageRow, NodeRow, OutboxMessage, PacketQuery, PacketRow } from "./api.ts";
import type { Database } from "./sqlite.ts";

export const MAX_LIMIT = 1000;

type Val = string | number | null | Uint8Array;

const PACKET_COLS = `o.id, t.hash, t.raw, r.name, o.at, o.snr, o.rssi, o.payload_type, o.route, t.hash_size,
  o.path, o.first_seen, t.summary, t.error
  FROM observations o JOIN transmissions t ON t.id = o.tx_id JOIN radios r ON r.id = o.radio_id`;

export function clampLimit(n: number): number {
  return Math.max(0, Math.min(MAX_LIMIT, Math.trunc(Number.isFinite(n) ? n : 0)));
}

function rows(db: Database, sql: string, params: Val[]): Val[][] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: Val[][] = [];
    while (st.step()) out.push(st.get() as Val[]);
    return out;
  } finally {
    st.free();
  }
}

function packet(r: Val[]): PacketRow {
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
  return rows(db, sql, [...params, clampLimit(q.limit)]).map(packet);
}

export function getTransmission(db: Database, hash: string): PacketRow[] {
  const sql = `SELECT ${PACKET_COLS} WHERE o.tx_id = (SELECT id FROM transmissions WHERE hash = ?) ORDER BY o.id LIMIT ${MAX_LIMIT}`;
  return rows(db, sql, [hash.toLowerCase()]).map(packet);
}

export function scanObservations(db: Database, afterId: number, limit: number): PacketRow[] {
  return rows(db, `SELECT ${PACKET_COLS} WHERE o.id > ? ORDER BY o.id LIMIT ?`, [
    afterId,
    clampLimit(limit),
  ]).map(packet);
}

const NODE_COLS =
  "public_key, name, role, lat, lon, first_seen, last_seen, last_advert, advert_timestamp, advert_count, extras";

function node(r: Val[]): NodeRow {
  let extras: Record<string, unknown> | null = null;
  if (typeof r[10] === "string") {
    try {
      extras = JSON.parse(r[10]) as Record<string, unknown>;
    } catch {
      extras = null;
    }
  }
  return {
    publicKey: String(r[0]),
    name: r[1] === null ? null : String(r[1]),
    role: Number(r[2]),
    lat: r[3] === null ? null : Number(r[3]),
    lon: r[4] === null ? null : Number(r[4]),
    firstSeen: Number(r[5]),
    lastSeen: Number(r[6]),
    lastAdvert: Number(r[7]),
    advertTimestamp: Number(r[8]),
    advertCount: Number(r[9]),
    extras,
  };
}

export function listNodes(db: Database): NodeRow[] {
  return rows(db, `SELECT ${NODE_COLS} FROM nodes ORDER BY last_seen DESC`, []).map(node);
}

export function scanNodes(db: Database, afterKey: string, limit: number): NodeRow[] {
  return rows(
    db,
    `SELECT ${NODE_COLS} FROM nodes WHERE public_key > ? ORDER BY public_key LIMIT ?`,
    [afterKey, clampLimit(limit)],
  ).map(node);
}

export function getNode(db: Database, publicKey: string): NodeRow | null {
  const r = rows(db, `SELECT ${NODE_COLS} FROM nodes WHERE public_key = ?`, [
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
  const sql = `SELECT id, hash, channel, sender, text, at, sender_ts FROM channel_messages ${
    where.length ? `WHERE ${where.join(" AND ")}` : ""
  } ORDER BY id DESC LIMIT ?`;
  return rows(db, sql, [...params, clampLimit(limit)]).map((r) => ({
    id: Number(r[0]),
    hash: String(r[1]),
    channel: String(r[2]),
    sender: String(r[3]),
    text: String(r[4]),
    at: Number(r[5]),
    senderTimestamp: Number(r[6]),
  }));
}

export function outboxPeek(db: Database, broker: string, limit: number): OutboxMessage[] {
  const sql =
    "SELECT id, broker, topic, payload, qos, retain, created_at FROM outbox WHERE broker = ? ORDER BY id LIMIT ?";
  return rows(db, sql, [broker, clampLimit(limit)]).map((r) => ({
    id: Number(r[0]),
    broker: String(r[1]),
    topic: String(r[2]),
    payload: String(r[3]),
    qos: Number(r[4]) === 1 ? 1 : 0,
    retain: r[5] === 1,
    createdAt: Number(r[6]),
  }));
}

export function outboxDepth(db: Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows(db, "SELECT broker, count(*) FROM outbox GROUP BY broker", []))
    out[String(r[0])] = Number(r[1]);
  return out;
}

export function scalar(db: Database, sql: string, params: Val[] = []): number {
  return Number(rows(db, sql, params)[0]?.[0] ?? 0);
}
