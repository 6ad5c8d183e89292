/**
 * Applies journal operations to the DB. The same code runs for live writes
 * and for replay, so a replayed journal yields the same rows; ids come from
 * the operation, and inserts are idempotent (INSERT OR IGNORE / upserts keyed
 * by hash and id), so applying an operation twice changes nothing.
 */
import { MeshRowsWriter } from "./mesh-rows.ts";
import type { Counter } from "./normalize.ts";
import type { IngestRecord, JournalOp, OutboxRecord } from "./ops.ts";
import type { Database, Statement } from "./sqlite.ts";

export interface OutboxBounds {
  /** Pending messages kept per broker; the oldest are dropped beyond it. */
  readonly maxPerBroker: number;
}

const HOUR = 3_600_000;

interface Traffic {
  hour: number;
  radio: number;
  type: number;
  packets: number;
  first: number;
  bytes: number;
}

interface Rf {
  hour: number;
  radio: number;
  n: number;
  snrN: number;
  snrSum: number;
  snrMin: number | null;
  snrMax: number | null;
  rssiN: number;
  rssiSum: number;
  rssiMin: number | null;
  rssiMax: number | null;
}

export class DbWriter {
  private readonly s: Record<string, Statement>;
  private readonly radios = new Map<string, number>();
  private readonly mesh: MeshRowsWriter;
  /** Next ids to hand out; kept past deleted rows so ids never repeat. */
  nextObsId = 1;
  nextOutboxId = 1;

  constructor(
    private readonly db: Database,
    private readonly count: Counter,
    private readonly outbox: OutboxBounds,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.mesh = new MeshRowsWriter(db);
    this.s = {
      radioUpsert: p(
        "INSERT INTO radios (name, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
      ),
      radioId: p("SELECT id FROM radios WHERE name = ?"),
      txByHash: p("SELECT id FROM transmissions WHERE hash = ?"),
      txInsert: p(
        "INSERT INTO transmissions (hash, raw, first_at, last_obs_id, payload_type, route, version, hash_size, summary, error, decoded, advert_key, channel) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
      ),
      txTouch: p("UPDATE transmissions SET last_obs_id = max(last_obs_id, ?) WHERE id = ?"),
      txMeta: p("SELECT payload_type, route, length(raw) FROM transmissions WHERE id = ?"),
      obsInsert: p(
        "INSERT OR IGNORE INTO observations (id, tx_id, radio_id, at, snr, rssi, path, first_seen, payload_type, route, hops) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      ),
      // Ids continue above archived messages (meta chanmsg_floor), so a
      // cursor never meets the same id in the hot DB and in a partition.
      chanMsg: p(
        `INSERT OR IGNORE INTO channel_messages (id, tx_id, hash, channel, sender, text, at, sender_ts) VALUES (
          max(coalesce((SELECT max(id) FROM channel_messages), 0),
              coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'chanmsg_floor'), 0)) + 1,
          ?,?,?,?,?,?,?)`,
      ),
      chan: p(
        "INSERT INTO channels (name, first_seen, last_seen, messages) VALUES (?, ?, ?, 1) ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), messages = messages + 1",
      ),
      node: p(`INSERT INTO nodes (public_key, name, role, lat, lon, first_seen, last_seen, last_advert, advert_timestamp, advert_count, extras)
        VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(public_key) DO UPDATE SET
        name = CASE WHEN excluded.advert_timestamp >= advert_timestamp THEN excluded.name ELSE name END,
        role = CASE WHEN excluded.advert_timestamp >= advert_timestamp THEN excluded.role ELSE role END,
        lat = CASE WHEN excluded.advert_timestamp >= advert_timestamp THEN excluded.lat ELSE lat END,
        lon = CASE WHEN excluded.advert_timestamp >= advert_timestamp THEN excluded.lon ELSE lon END,
        extras = CASE WHEN excluded.advert_timestamp >= advert_timestamp THEN excluded.extras ELSE extras END,
        advert_timestamp = max(advert_timestamp, excluded.advert_timestamp),
        first_seen = min(first_seen, excluded.first_seen),
        last_seen = max(last_seen, excluded.last_seen),
        last_advert = max(last_advert, excluded.last_advert),
        advert_count = advert_count + excluded.advert_count`),
      traffic:
        p(`INSERT INTO rollup_traffic (hour, radio_id, payload_type, packets, first_seen, bytes) VALUES (?,?,?,?,?,?)
        ON CONFLICT(hour, radio_id, payload_type) DO UPDATE SET packets = packets + excluded.packets,
        first_seen = first_seen + excluded.first_seen, bytes = bytes + excluded.bytes`),
      rf: p(`INSERT INTO rollup_rf (hour, radio_id, n, snr_n, snr_sum, snr_min, snr_max, rssi_n, rssi_sum, rssi_min, rssi_max)
        VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(hour, radio_id) DO UPDATE SET n = n + excluded.n,
        snr_n = snr_n + excluded.snr_n, snr_sum = snr_sum + excluded.snr_sum,
        snr_min = min(coalesce(snr_min, excluded.snr_min), coalesce(excluded.snr_min, snr_min)),
        snr_max = max(coalesce(snr_max, excluded.snr_max), coalesce(excluded.snr_max, snr_max)),
        rssi_n = rssi_n + excluded.rssi_n, rssi_sum = rssi_sum + excluded.rssi_sum,
        rssi_min = min(coalesce(rssi_min, excluded.rssi_min), coalesce(excluded.rssi_min, rssi_min)),
        rssi_max = max(coalesce(rssi_max, excluded.rssi_max), coalesce(excluded.rssi_max, rssi_max))`),
      meta: p(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      outboxInsert: p(
        "INSERT OR IGNORE INTO outbox (id, broker, topic, payload, qos, retain, created_at) VALUES (?,?,?,?,?,?,?)",
      ),
      outboxCount: p("SELECT count(*) FROM outbox WHERE broker = ?"),
      outboxDropOldest: p(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE broker = ? ORDER BY id LIMIT ?)",
      ),
      outboxAck: p("DELETE FROM outbox WHERE id = ?"),
      getMeta: p("SELECT value FROM meta WHERE key = ?"),
      lastRowId: p("SELECT last_insert_rowid()"),
    };
    this.nextObsId = Math.max(
      this.num("SELECT max(id) FROM observations") + 1,
      Number(this.getMeta("next_obs_id") ?? 1),
    );
    this.nextOutboxId = Math.max(
      this.num("SELECT max(id) FROM outbox") + 1,
      Number(this.getMeta("next_outbox_id") ?? 1),
    );
  }

  private num(sql: string): number {
    return Number(this.db.exec(sql)[0]?.values[0]?.[0] ?? 0);
  }

  private one(stmt: Statement, params: (string | number | null)[]): unknown {
    stmt.bind(params);
    const v = stmt.step() ? stmt.get()[0] : undefined;
    stmt.reset();
    return v;
  }

  hasTx(hash: string): boolean {
    return this.one(this.s.txByHash!, [hash]) !== undefined;
  }

  getMeta(key: string): string | null {
    const v = this.one(this.s.getMeta!, [key]);
    return typeof v === "string" ? v : null;
  }

  /** Record the id counters so they survive even if every row is pruned (called before a snapshot). */
  saveCounters(): void {
    this.s.meta!.run(["next_obs_id", String(this.nextObsId)]);
    this.s.meta!.run(["next_outbox_id", String(this.nextOutboxId)]);
  }

  /** Apply one operation inside one transaction. */
  apply(op: JournalOp): { id: number; firstSeen: boolean }[] {
    if (op.kind === "mesh" && op.batch.clear === true) this.mesh.clearNodeColumn();
    this.db.exec("BEGIN");
    try {
      const out = this.applyInTx(op);
      this.db.exec("COMMIT");
      return out;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  private applyInTx(op: JournalOp): { id: number; firstSeen: boolean }[] {
    switch (op.kind) {
      case "ingest":
        return this.ingest(op.rows);
      case "meta":
        this.s.meta!.run([op.key, op.value]);
        return [];
      case "outbox":
        this.enqueue(op.items);
        return [];
      case "ack":
        for (const id of op.ids) this.s.outboxAck!.run([id]);
        return [];
      case "mesh":
        this.mesh.apply(op.batch);
        return [];
      case "archive":
        this.archive(op);
        return [];
    }
  }

  /** Manifest change plus the hot rows now in the partition; idempotent on replay. */
  private archive(op: Extract<JournalOp, { kind: "archive" }>): void {
    const db = this.db;
    const a = op.add;
    if (a) {
      db.run(
        "INSERT OR REPLACE INTO archive_partitions (name, day, part, min_id, max_id, min_at, max_at, observations, bytes) VALUES (?,?,?,?,?,?,?,?,?)",
        [a.name, a.day, a.part, a.minId, a.maxId, a.minAt, a.maxAt, a.observations, a.bytes],
      );
    }
    for (const n of op.drop) db.run("DELETE FROM archive_partitions WHERE name = ?", [n]);
    if (op.upTo <= 0) return;
    // Channel messages travel with their transmission's first hearing.
    const moved = "SELECT tx_id FROM observations WHERE id <= ? AND first_seen = 1";
    const top = Number(
      db.exec(`SELECT coalesce(max(id), 0) FROM channel_messages WHERE tx_id IN (${moved})`, [
        op.upTo,
      ])[0]?.values[0]?.[0] ?? 0,
    );
    if (top > Number(this.getMeta("chanmsg_floor") ?? 0))
      this.s.meta!.run(["chanmsg_floor", String(top)]);
    db.run(`DELETE FROM channel_messages WHERE tx_id IN (${moved})`, [op.upTo]);
    db.run("DELETE FROM observations WHERE id <= ?", [op.upTo]);
    db.run("DELETE FROM transmissions WHERE last_obs_id <= ?", [op.upTo]);
  }

  private radio(name: string, at: number): number {
    let id = this.radios.get(name);
    this.s.radioUpsert!.run([name, at, at]);
    if (id === undefined) {
      id = Number(this.one(this.s.radioId!, [name]));
      this.radios.set(name, id);
    }
    return id;
  }

  private ingest(rows: readonly IngestRecord[]): { id: number; firstSeen: boolean }[] {
    const out: { id: number; firstSeen: boolean }[] = [];
    const traffic = new Map<string, Traffic>();
    const rf = new Map<string, Rf>();
    const radioSeen = new Map<string, number>();
    for (const rec of rows) {
      const o = rec.obs;
      this.nextObsId = Math.max(this.nextObsId, rec.id + 1);
      radioSeen.set(o.radioId, Math.max(radioSeen.get(o.radioId) ?? 0, o.at));
      const radio = this.radios.get(o.radioId) ?? this.radio(o.radioId, o.at);
      let txId = this.one(this.s.txByHash!, [o.hash]) as number | undefined;
      let firstSeen = false;
      let type = o.payloadType;
      let route = o.route;
      let bytes = o.raw.length;
      if (txId === undefined) {
        if (!rec.firstSeen && !rec.archived) {
          // A repeat whose transmission is gone (pruned): nothing to attach it to.
          this.count("replay_orphans");
          out.push({ id: rec.id, firstSeen: false });
          continue;
        }
        const cm = o.channelMessage;
        this.s.txInsert!.run([
          o.hash,
          o.raw,
          o.at,
          rec.id,
          o.payloadType,
          o.route,
          o.version,
          o.hashSize,
          o.summary,
          o.error,
          o.decoded === undefined ? null : JSON.stringify(o.decoded),
          o.advert?.publicKey ?? null,
          cm?.channel ?? null,
        ]);
        txId = Number(this.one(this.s.lastRowId!, []));
        // An archived transmission heard again gets a hot row, but its first
        // hearing (and channel message) stay in the archive.
        firstSeen = rec.firstSeen;
        if (cm && firstSeen) {
          this.s.chanMsg!.run([
            txId,
            o.hash,
            cm.channel,
            cm.sender,
            cm.text,
            o.at,
            cm.senderTimestamp,
          ]);
          this.s.chan!.run([cm.channel, o.at, o.at]);
        }
      } else {
        this.s.txTouch!.run([rec.id, txId]);
        const m = this.s.txMeta!;
        m.bind([txId]);
        if (m.step()) {
          const r = m.get();
          type = Number(r[0]);
          route = Number(r[1]);
          bytes = Number(r[2]);
        }
        m.reset();
      }
      this.s.obsInsert!.run([
        rec.id,
        txId,
        radio,
        o.at,
        o.snr,
        o.rssi === null ? null : Math.round(o.rssi),
        o.hops.join(","),
        firstSeen ? 1 : 0,
        type,
        route,
        o.hops.length,
      ]);
      if (o.advert) {
        const a = o.advert;
        this.s.node!.run([
          a.publicKey,
          a.name,
          a.role,
          a.lat,
          a.lon,
          o.at,
          o.at,
          o.at,
          a.advertTimestamp,
          firstSeen ? 1 : 0,
          a.extras ? JSON.stringify(a.extras) : null,
        ]);
      }
      this.rollup(traffic, rf, o.at, radio, type, firstSeen, bytes, o.snr, o.rssi);
      out.push({ id: rec.id, firstSeen });
    }
    for (const [name, at] of radioSeen) this.s.radioUpsert!.run([name, at, at]);
    for (const t of traffic.values())
      this.s.traffic!.run([t.hour, t.radio, t.type, t.packets, t.first, t.bytes]);
    for (const r of rf.values()) {
      this.s.rf!.run([
        r.hour,
        r.radio,
        r.n,
        r.snrN,
        r.snrSum,
        r.snrMin,
        r.snrMax,
        r.rssiN,
        r.rssiSum,
        r.rssiMin,
        r.rssiMax,
      ]);
    }
    return out;
  }

  private rollup(
    traffic: Map<string, Traffic>,
    rf: Map<string, Rf>,
    at: number,
    radio: number,
    type: number,
    first: boolean,
    bytes: number,
    snr: number | null,
    rssi: number | null,
  ): void {
    const hour = Math.floor(at / HOUR) * HOUR;
    const tk = `${hour}|${radio}|${type}`;
    let t = traffic.get(tk);
    if (!t) {
      t = { hour, radio, type, packets: 0, first: 0, bytes: 0 };
      traffic.set(tk, t);
    }
    t.packets++;
    if (first) t.first++;
    t.bytes += bytes;
    const rk = `${hour}|${radio}`;
    let r = rf.get(rk);
    if (!r) {
      r = {
        hour,
        radio,
        n: 0,
        snrN: 0,
        snrSum: 0,
        snrMin: null,
        snrMax: null,
        rssiN: 0,
        rssiSum: 0,
        rssiMin: null,
        rssiMax: null,
      };
      rf.set(rk, r);
    }
    r.n++;
    if (snr !== null) {
      r.snrN++;
      r.snrSum += snr;
      r.snrMin = r.snrMin === null ? snr : Math.min(r.snrMin, snr);
      r.snrMax = r.snrMax === null ? snr : Math.max(r.snrMax, snr);
    }
    if (rssi !== null) {
      r.rssiN++;
      r.rssiSum += rssi;
      r.rssiMin = r.rssiMin === null ? rssi : Math.min(r.rssiMin, rssi);
      r.rssiMax = r.rssiMax === null ? rssi : Math.max(r.rssiMax, rssi);
    }
  }

  private enqueue(items: readonly OutboxRecord[]): void {
    const brokers = new Set<string>();
    for (const m of items) {
      this.nextOutboxId = Math.max(this.nextOutboxId, m.id + 1);
      this.s.outboxInsert!.run([
        m.id,
        m.broker,
        m.topic,
        m.payload,
        m.qos,
        m.retain ? 1 : 0,
        m.createdAt,
      ]);
      brokers.add(m.broker);
    }
    for (const b of brokers) {
      const depth = Number(this.one(this.s.outboxCount!, [b]));
      const over = depth - this.outbox.maxPerBroker;
      if (over > 0) {
        this.s.outboxDropOldest!.run([b, over]);
        this.addDropped(over);
      }
    }
  }

  /** Outbox drops are kept in meta so the count survives restarts. */
  addDropped(n: number): void {
    const prev = Number(this.getMeta("outbox_dropped") ?? 0);
    this.s.meta!.run(["outbox_dropped", String(prev + n)]);
  }

  close(): void {
    for (const st of Object.values(this.s)) st.free();
    this.mesh.close();
  }
}
