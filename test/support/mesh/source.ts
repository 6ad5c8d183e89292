/** An in-memory MeshSource: PacketRows made from MeshObservations, paged by id. */
import type { MeshSource } from "../../../daemon/mesh/model.ts";
import type { MeshObservation } from "../../../daemon/mesh/types.ts";
import type { NodeRow, PacketRow } from "../../../daemon/store/api.ts";
import { columnsOf } from "../../../daemon/store/observation-columns.ts";

export class MemorySource implements MeshSource {
  readonly rows: PacketRow[] = [];
  nodeRows: NodeRow[] = [];
  scans = 0;
  nodeScans = 0;
  /** Pages as columns too, when a test asks for it (withColumns), as the real store offers them. */
  scanObservationColumns?: MeshSource["scanObservationColumns"];
  /** The radios table, when a test gives one. */
  meshRead?: MeshSource["meshRead"];
  /** Called before each page is returned (lets a test act mid-rebuild). */
  onScan: (afterId: number) => void = () => {};

  add(o: MeshObservation): PacketRow {
    const row: PacketRow = {
      id: this.rows.length + 1,
      hash: o.hash,
      raw: rawOf(o),
      radioId: o.radioId,
      at: o.at,
      snr: o.snr,
      rssi: o.rssi,
      payloadType: o.payloadType,
      route: o.route,
      hashSize: o.hashSize,
      hops: o.hops,
      firstSeen: o.firstSeen,
      summary: "",
      error: null,
    };
    this.rows.push(row);
    return row;
  }

  async scanObservations(afterId: number, limit: number): Promise<readonly PacketRow[]> {
    this.scans++;
    this.onScan(afterId);
    await new Promise((r) => setImmediate(r));
    const start = this.rows.findIndex((r) => r.id > afterId);
    return start < 0 ? [] : this.rows.slice(start, start + limit);
  }

  async listNodes(): Promise<readonly NodeRow[]> {
    return this.nodeRows;
  }

  async scanNodes(afterKey: string, limit: number): Promise<readonly NodeRow[]> {
    this.nodeScans++;
    await new Promise((r) => setImmediate(r));
    return [...this.nodeRows]
      .filter((n) => n.publicKey > afterKey)
      .sort((x, y) => (x.publicKey < y.publicKey ? -1 : 1))
      .slice(0, limit);
  }

  health() {
    return { observations: this.rows.length };
  }
}

/** `s` offering its pages as columns too, as the real store does. */
export function withColumns(s: MemorySource): MemorySource {
  s.scanObservationColumns = async (afterId, limit, rawTypes) =>
    columnsOf(await s.scanObservations(afterId, limit), rawTypes);
  return s;
}

export function nodeRow(publicKey: string, p: Partial<NodeRow> = {}): NodeRow {
  return {
    publicKey,
    name: null,
    role: 2,
    lat: null,
    lon: null,
    firstSeen: 0,
    lastSeen: 0,
    lastAdvert: 0,
    advertTimestamp: 0,
    advertCount: 1,
    extras: null,
    ...p,
  };
}

/**
 * Packet bytes good enough for the row adapter: header, path and, for an
 * advert, the advertiser's key and timestamp where the payload starts
 * (protocol doc section 2). The rest is zeros.
 */
function rawOf(o: MeshObservation): Uint8Array {
  const raw = new Uint8Array(Math.max(o.rawLength, 2 + o.hops.length * 3 + 36));
  const route = o.route >= 0 ? o.route : 1;
  raw[0] = (((o.payloadType >= 0 ? o.payloadType : 0) & 15) << 2) | route;
  let at = route === 0 || route === 3 ? 5 : 1;
  const size = Math.max(1, Math.min(3, o.hashSize || 1));
  raw[at] = ((size - 1) << 6) | (o.hops.length & 0x3f);
  at += 1;
  for (const h of o.hops) {
    for (let i = 0; i < size; i++) raw[at++] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16) || 0;
  }
  if (o.advert) {
    const k = o.advert.publicKey;
    for (let i = 0; i < 32; i++) raw[at + i] = Number.parseInt(k.slice(i * 2, i * 2 + 2), 16);
    const ts = o.advert.timestamp >>> 0;
    raw[at + 32] = ts & 255;
    raw[at + 33] = (ts >>> 8) & 255;
    raw[at + 34] = (ts >>> 16) & 255;
    raw[at + 35] = (ts >>> 24) & 255;
  }
  return raw;
}

/** The store's node table after these observations (verified adverts only, as ingest writes it). */
export function nodeRows(obs: readonly MeshObservation[]): NodeRow[] {
  const rows = new Map<string, NodeRow>();
  for (const o of obs) {
    const a = o.advert;
    if (!a) continue;
    const prev = rows.get(a.publicKey);
    rows.set(a.publicKey, {
      publicKey: a.publicKey,
      name: a.name,
      role: a.role,
      lat: a.lat,
      lon: a.lon,
      firstSeen: Math.min(prev?.firstSeen ?? o.at, o.at),
      lastSeen: Math.max(prev?.lastSeen ?? 0, o.at),
      lastAdvert: Math.max(prev?.lastAdvert ?? 0, o.at),
      advertTimestamp: a.timestamp,
      advertCount: (prev?.advertCount ?? 0) + (o.firstSeen ? 1 : 0),
      extras: null,
    });
  }
  // The store lists nodes by key, not in the order they were learnt.
  return [...rows.values()].sort((x, y) => (x.publicKey < y.publicKey ? -1 : 1));
}
