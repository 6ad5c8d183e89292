/** An in-memory MeshSource: PacketRows made from MeshObservations, paged by id. */
import type { MeshSource } from "../../../daemon/mesh/model.ts";
import type { MeshObservation } from "../../../daemon/mesh/types.ts";
import type { NodeRow, PacketRow } from "../../../daemon/store/api.ts";

export class MemorySource implements MeshSource {
  readonly rows: PacketRow[] = [];
  nodeRows: NodeRow[] = [];
  scans = 0;
  /** Called before each page is returned (lets a test act mid-rebuild). */
  onScan: (afterId: number) => void = () => {};

  add(o: MeshObservation): PacketRow {
    const row: PacketRow = {
      id: this.rows.length + 1,
      hash: o.hash,
      raw: new Uint8Array(o.rawLength),
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

  health() {
    return { observations: this.rows.length };
  }
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
