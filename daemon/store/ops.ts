/**
 * Journal operations: the logical writes the store must be able to redo after
 * a power cut (ingest, meta, outbox enqueue/ack), and their compact binary
 * codec. Ids chosen by the store travel in the record, so replay reproduces
 * the same rows. Pure: no I/O.
 */
import type { AdvertInput, ChannelMessageInput, ObservationInput } from "./api.ts";
import { ByteReader, ByteWriter } from "./bytes.ts";

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
  | { readonly kind: "ack"; readonly seq: number; readonly ids: readonly number[] };

const KIND = { ingest: 1, meta: 2, outbox: 3, ack: 4 } as const;
const HEX16 = /^[0-9a-f]{16}$/;

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
    w.u8(1);
    for (let i = 0; i < 16; i += 2) w.u8(Number.parseInt(hash.slice(i, i + 2), 16));
  } else w.u8(0).str(hash);
}

function readHash(r: ByteReader): string {
  if (r.u8() === 0) return r.str();
  let s = "";
  for (let i = 0; i < 8; i++) s += r.u8().toString(16).padStart(2, "0");
  return s;
}

function writeObs(w: ByteWriter, rec: IngestRecord): void {
  const o = rec.obs;
  const flags =
    (rec.firstSeen ? 1 : 0) |
    (o.channelMessage ? 2 : 0) |
    (o.advert ? 4 : 0) |
    (o.decoded !== undefined ? 8 : 0);
  w.varint(rec.id).u8(flags);
  writeHash(w, o.hash);
  w.str(o.radioId).varint(Math.max(0, Math.trunc(o.at)));
  writeNum(w, o.snr, 4);
  writeNum(w, o.rssi, 1);
  w.varint(o.hops.length);
  for (const h of o.hops) w.str(h);
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
    w.str(a.publicKey).optStr(a.name).svarint(a.role);
    writeNum(w, a.lat, 1e6);
    writeNum(w, a.lon, 1e6);
    w.svarint(Math.trunc(a.advertTimestamp));
    w.optStr(a.extras ? JSON.stringify(a.extras) : null);
  }
}

function readObs(r: ByteReader): IngestRecord {
  const id = r.varint();
  const flags = r.u8();
  const firstSeen = (flags & 1) !== 0;
  const hash = readHash(r);
  const radioId = r.str();
  const at = r.varint();
  const snr = readNum(r, 4);
  const rssi = readNum(r, 1);
  const nh = r.varint();
  const hops: string[] = [];
  for (let i = 0; i < nh; i++) hops.push(r.str());
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
    const publicKey = r.str();
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
  w.u8(KIND[op.kind]).varint(op.seq);
  switch (op.kind) {
    case "ingest":
      w.varint(op.rows.length);
      for (const rec of op.rows) writeObs(w, rec);
      break;
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
  }
  return w;
}

/** Throws RangeError/SyntaxError on malformed input (the frame CRC passed, so that is a bug). */
export function decodeOp(buf: Uint8Array, start = 0, end = buf.length): JournalOp {
  const r = new ByteReader(buf, start, end);
  const kind = r.u8();
  const seq = r.varint();
  switch (kind) {
    case KIND.ingest: {
      const n = r.varint();
      const rows: IngestRecord[] = [];
      for (let i = 0; i < n; i++) rows.push(readObs(r));
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
    default:
      throw new RangeError(`unknown journal op ${kind}`);
  }
}
