/**
 * Journal operations: the logical writes the store must be able to redo after
 * a power cut (ingest, meta, outbox enqueue/ack), and their compact binary
 * codec. Ids chosen by the store travel in the record, so replay reproduces
 * the same rows. Pure: no I/O.
 *
 * Ingest records are written in the compact layout (kind 5): ids and times as
 * deltas from the previous row, radios from a per-record table, hops and
 * advert keys as bytes (the same bytes as in the raw packet, so the journal's
 * deflate stage finds them as matches). Kind 1, the first layout, is still
 * read so a journal left by an earlier version replays.
 */
import { hexToBytes, toHex } from "../core/bytes.ts";
import type { AdvertInput, ChannelMessageInput, ObservationInput } from "./api.ts";
import { ByteReader, ByteWriter } from "./bytes.ts";
import { checkMeshBatch, type MeshRowsBatch } from "./mesh-rows.ts";
import type { PartitionInfo } from "./partition.ts";

export interface IngestRecord {
  readonly id: number;
  readonly firstSeen: boolean;
  readonly obs: ObservationInput;
}

export interface OutboxRecord {
  readonly id: number;
  readonly broker: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly createdAt: number;
}

export type JournalOp =
  | { readonly kind: "ingest"; readonly seq: number; readonly rows: readonly IngestRecord[] }
  | { readonly kind: "meta"; readonly seq: number; readonly key: string; readonly value: string }
  | { readonly kind: "outbox"; readonly seq: number; readonly items: readonly OutboxRecord[] }
  | { readonly kind: "ack"; readonly seq: number; readonly ids: readonly number[] }
  | { readonly kind: "mesh"; readonly seq: number; readonly batch: MeshRowsBatch }
  | {
      /**
       * Rows moved to an archive partition (already durable on disk) and/or
       * partitions removed by retention: the manifest change and the hot
       * deletes in one record (archive.ts explains the order).
       */
      readonly kind: "archive";
      readonly seq: number;
      readonly add: PartitionInfo | null;
      /** Hot observations with id <= upTo are deleted; 0 for none. */
      readonly upTo: number;
      readonly drop: readonly string[];
    };

const KIND = { ingest: 1, meta: 2, outbox: 3, ack: 4, archive: 6, mesh: 7 } as const;
/** The compact ingest layout; what encodeOp writes for "ingest". */
const INGEST_COMPACT = 5;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX_KEY = /^[0-9A-F]{64}$/;
const HEX_HOP = /^(?:[0-9a-f]{2}){1,3}$/;

/** Per-record state of the compact layout: deltas run from the previous row. */
interface RowContext {
  readonly compact: boolean;
  prevId: number;
  prevAt: number;
  readonly radios: string[];
}

/** Hops of one size in lower hex go as their bytes (as in the packet's path); others as text. */
function writeHops(w: ByteWriter, hops: readonly string[]): void {
  const size = hops[0]?.length ?? 2;
  if (hops.every((h) => h.length === size && HEX_HOP.test(h))) {
    w.u8(size / 2).varint(hops.length);
    for (const h of hops) w.fixed(hexToBytes(h));
    return;
  }
  w.u8(0).varint(hops.length);
  for (const h of hops) w.str(h);
}

function readHops(r: ByteReader): string[] {
  const size = r.u8();
  const n = r.varint();
  const hops: string[] = [];
  for (let i = 0; i < n; i++) hops.push(size === 0 ? r.str() : toHex(r.fixed(size)));
  return hops;
}

function writeNum(w: ByteWriter, v: number | null, scale: number): void {
  if (v === null || !Number.isFinite(v)) {
    w.u8(0);
    return;
  }
  const scaled = v * scale;
  if (Number.isInteger(scaled) && Math.abs(scaled) < 2 ** 52) w.u8(1).svarint(scaled);
  else w.u8(2).f64(v);
}

function readNum(r: ByteReader, scale: number): number | null {
  const t = r.u8();
  if (t === 0) return null;
  if (t === 1) return r.svarint() / scale;
  if (t === 2) return r.f64();
  throw new RangeError(`bad number tag ${t}`);
}

function writeHash(w: ByteWriter, hash: string): void {
  // The usual 16-hex hash goes as 8 raw bytes; anything else as text.
  if (HEX16.test(hash)) {
    w.u8(1).fixed(hexToBytes(hash));
  } else w.u8(0).str(hash);
}

function readHash(r: ByteReader): string {
  return r.u8() === 0 ? r.str() : toHex(r.fixed(8));
}

function writeObs(w: ByteWriter, rec: IngestRecord, ctx: RowContext): void {
  const o = rec.obs;
  const flags =
    (rec.firstSeen ? 1 : 0) |
    (o.channelMessage ? 2 : 0) |
    (o.advert ? 4 : 0) |
    (o.decoded !== undefined ? 8 : 0);
  const at = Math.max(0, Math.trunc(o.at));
  w.svarint(rec.id - ctx.prevId).u8(flags);
  writeHash(w, o.hash);
  w.varint(ctx.radios.indexOf(o.radioId)).svarint(at - ctx.prevAt);
  ctx.prevId = rec.id;
  ctx.prevAt = at;
  writeNum(w, o.snr, 4);
  writeNum(w, o.rssi, 1);
  writeHops(w, o.hops);
  // Transmission fields ride only on the first hearing; a repeat refers to
  // the transmission by hash.
  if (rec.firstSeen) {
    w.svarint(o.payloadType).svarint(o.route).svarint(o.version).svarint(o.hashSize);
    w.bytes(o.raw).optStr(o.error).str(o.summary);
    if (o.decoded !== undefined) w.str(JSON.stringify(o.decoded) ?? "null");
    if (o.channelMessage) {
      const c = o.channelMessage;
      w.str(c.channel).str(c.sender).str(c.text).svarint(Math.trunc(c.senderTimestamp));
    }
  }
  if (o.advert) {
    const a = o.advert;
    if (HEX_KEY.test(a.publicKey)) w.u8(1).fixed(hexToBytes(a.publicKey));
    else w.u8(0).str(a.publicKey);
    w.optStr(a.name).svarint(a.role);
    writeNum(w, a.lat, 1e6);
    writeNum(w, a.lon, 1e6);
    w.svarint(Math.trunc(a.advertTimestamp));
    w.optStr(a.extras ? JSON.stringify(a.extras) : null);
  }
}

function readObs(r: ByteReader, ctx: RowContext): IngestRecord {
  const id = ctx.compact ? ctx.prevId + r.svarint() : r.varint();
  const flags = r.u8();
  const firstSeen = (flags & 1) !== 0;
  const hash = readHash(r);
  let radioId: string;
  let at: number;
  if (ctx.compact) {
    const k = r.varint();
    const known = ctx.radios[k];
    if (known === undefined) throw new RangeError(`radio index ${k} out of range`);
    radioId = known;
    at = ctx.prevAt + r.svarint();
  } else {
    radioId = r.str();
    at = r.varint();
  }
  ctx.prevId = id;
  ctx.prevAt = at;
  const snr = readNum(r, 4);
  const rssi = readNum(r, 1);
  let hops: string[];
  if (ctx.compact) hops = readHops(r);
  else {
    hops = [];
    const nh = r.varint();
    for (let i = 0; i < nh; i++) hops.push(r.str());
  }
  let payloadType = -1;
  let route = -1;
  let version = -1;
  let hashSize = -1;
  let raw: Uint8Array = new Uint8Array(0);
  let error: string | null = null;
  let summary = "";
  let decoded: unknown;
  let channelMessage: ChannelMessageInput | undefined;
  let advert: AdvertInput | undefined;
  if (firstSeen) {
    payloadType = r.svarint();
    route = r.svarint();
    version = r.svarint();
    hashSize = r.svarint();
    raw = r.bytes();
    error = r.optStr();
    summary = r.str();
    if (flags & 8) decoded = JSON.parse(r.str());
    if (flags & 2) {
      channelMessage = {
        channel: r.str(),
        sender: r.str(),
        text: r.str(),
        senderTimestamp: r.svarint(),
      };
    }
  }
  if (flags & 4) {
    const publicKey = !ctx.compact || r.u8() === 0 ? r.str() : toHex(r.fixed(32), true);
    const name = r.optStr();
    const role = r.svarint();
    const lat = readNum(r, 1e6);
    const lon = readNum(r, 1e6);
    const advertTimestamp = r.svarint();
    const ex = r.optStr();
    advert = {
      publicKey,
      name,
      role,
      lat,
      lon,
      advertTimestamp,
      ...(ex ? { extras: JSON.parse(ex) } : {}),
    };
  }
  const obs: ObservationInput = {
    hash,
    raw,
    radioId,
    at,
    snr,
    rssi,
    payloadType,
    route,
    version,
    hashSize,
    hops,
    error,
    summary,
    ...(decoded !== undefined ? { decoded } : {}),
    ...(channelMessage ? { channelMessage } : {}),
    ...(advert ? { advert } : {}),
  };
  return { id, firstSeen, obs };
}

export function encodeOp(op: JournalOp, w = new ByteWriter()): ByteWriter {
  w.u8(op.kind === "ingest" ? INGEST_COMPACT : KIND[op.kind]).varint(op.seq);
  switch (op.kind) {
    case "ingest": {
      const radios = [...new Set(op.rows.map((rec) => rec.obs.radioId))];
      w.varint(radios.length);
      for (const radio of radios) w.str(radio);
      w.varint(op.rows.length);
      const ctx: RowContext = { compact: true, prevId: 0, prevAt: 0, radios };
      for (const rec of op.rows) writeObs(w, rec, ctx);
      break;
    }
    case "meta":
      w.str(op.key).str(op.value);
      break;
    case "outbox":
      w.varint(op.items.length);
      for (const m of op.items) {
        w.varint(m.id).str(m.broker).str(m.topic).str(m.payload);
        w.u8(m.qos | (m.retain ? 2 : 0)).varint(m.createdAt);
      }
      break;
    case "ack":
      w.varint(op.ids.length);
      for (const id of op.ids) w.varint(id);
      break;
    case "mesh":
      w.str(JSON.stringify(op.batch));
      break;
    case "archive": {
      const a = op.add;
      w.u8(a ? 1 : 0);
      if (a) {
        w.str(a.name).svarint(a.day).varint(a.part).varint(a.minId).varint(a.maxId);
        w.svarint(a.minAt).svarint(a.maxAt);
        w.varint(a.observations).varint(a.bytes);
      }
      w.varint(op.upTo).varint(op.drop.length);
      for (const n of op.drop) w.str(n);
      break;
    }
  }
  return w;
}

/** Throws RangeError/SyntaxError on malformed input (the frame CRC passed, so that is a bug). */
export function decodeOp(buf: Uint8Array, start = 0, end = buf.length): JournalOp {
  const r = new ByteReader(buf, start, end);
  const kind = r.u8();
  const seq = r.varint();
  switch (kind) {
    case KIND.ingest:
    case INGEST_COMPACT: {
      const compact = kind === INGEST_COMPACT;
      const radios: string[] = [];
      if (compact) {
        const nr = r.varint();
        for (let i = 0; i < nr; i++) radios.push(r.str());
      }
      const ctx: RowContext = { compact, prevId: 0, prevAt: 0, radios };
      const n = r.varint();
      const rows: IngestRecord[] = [];
      for (let i = 0; i < n; i++) rows.push(readObs(r, ctx));
      return { kind: "ingest", seq, rows };
    }
    case KIND.meta:
      return { kind: "meta", seq, key: r.str(), value: r.str() };
    case KIND.outbox: {
      const n = r.varint();
      const items: OutboxRecord[] = [];
      for (let i = 0; i < n; i++) {
        const id = r.varint();
        const broker = r.str();
        const topic = r.str();
        const payload = r.str();
        const f = r.u8();
        items.push({
          id,
          broker,
          topic,
          payload,
          qos: (f & 1) as 0 | 1,
          retain: (f & 2) !== 0,
          createdAt: r.varint(),
        });
      }
      return { kind: "outbox", seq, items };
    }
    case KIND.ack: {
      const n = r.varint();
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.varint());
      return { kind: "ack", seq, ids };
    }
    case KIND.mesh:
      return { kind: "mesh", seq, batch: checkMeshBatch(JSON.parse(r.str())) };
    case KIND.archive: {
      const add: PartitionInfo | null =
        r.u8() === 1
          ? {
              name: r.str(),
              day: r.svarint(),
              part: r.varint(),
              minId: r.varint(),
              maxId: r.varint(),
              minAt: r.svarint(),
              maxAt: r.svarint(),
              observations: r.varint(),
              bytes: r.varint(),
            }
          : null;
      const upTo = r.varint();
      const n = r.varint();
      const drop: string[] = [];
      for (let i = 0; i < n; i++) drop.push(r.str());
      return { kind: "archive", seq, add, upTo, drop };
    }
    default:
      throw new RangeError(`unknown journal op ${kind}`);
  }
}
