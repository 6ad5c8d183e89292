/**
 * An in-memory StoreApi for the HTTP tests: same contract as the real store
 * (newest first, cursor below an id, filters), no sql.js, no worker.
 */

import type {
  ChannelMessageRow,
  IngestResult,
  NodeRow,
  ObservationInput,
  OutboxMessage,
  PacketQuery,
  PacketRow,
  StoreApi,
  StoreHealth,
} from "../../../daemon/store/api.ts";
import { columnsOf } from "../../../daemon/store/observation-columns.ts";

export interface FakeRow extends PacketRow {
  /** Advert sender key (upper hex) for the `node` filter. */
  readonly advertKey?: string;
  readonly channel?: string;
}

export class FakeStore implements StoreApi {
  rows: FakeRow[] = [];
  nodes = new Map<string, NodeRow>();
  messages: ChannelMessageRow[] = [];
  outbox: OutboxMessage[] = [];
  healthOverride: Partial<StoreHealth> = {};
  calls = 0;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  addRow(r: FakeRow): void {
    this.rows.push(r);
  }

  async ingest(batch: readonly ObservationInput[]): Promise<IngestResult> {
    const rows = batch.map((b) => {
      const id = (this.rows[this.rows.length - 1]?.id ?? 0) + 1;
      const firstSeen = !this.rows.some((r) => r.hash === b.hash);
      this.rows.push({ ...b, id, firstSeen, at: b.at });
      return { id, firstSeen };
    });
    return { rows };
  }

  private matches(r: FakeRow, q: PacketQuery): boolean {
    if (q.before !== undefined && r.id >= q.before) return false;
    if (q.payloadType !== undefined && r.payloadType !== q.payloadType) return false;
    if (q.route !== undefined && r.route !== q.route) return false;
    if (q.hash !== undefined && r.hash !== q.hash) return false;
    if (q.radioId !== undefined && r.radioId !== q.radioId) return false;
    if (q.since !== undefined && r.at < q.since) return false;
    if (q.until !== undefined && r.at >= q.until) return false;
    if (q.channel !== undefined && r.channel !== q.channel) return false;
    if (q.node !== undefined) {
      const n = q.node.toUpperCase();
      const inPath = r.hops.some(
        (h) => n.startsWith(h.toUpperCase()) || h.toUpperCase().startsWith(n),
      );
      if (!inPath && !(r.advertKey ?? "").startsWith(n)) return false;
    }
    return true;
  }

  async listPackets(q: PacketQuery): Promise<readonly PacketRow[]> {
    this.calls++;
    const out: PacketRow[] = [];
    for (let i = this.rows.length - 1; i >= 0 && out.length < q.limit; i--) {
      const r = this.rows[i]!;
      if (this.matches(r, q)) out.push(r);
    }
    return out;
  }

  async getTransmission(hash: string): Promise<readonly PacketRow[]> {
    return this.rows.filter((r) => r.hash === hash);
  }

  async scanObservations(afterId: number, limit: number): Promise<readonly PacketRow[]> {
    return this.rows.filter((r) => r.id > afterId).slice(0, limit);
  }

  async scanObservationColumns(afterId: number, limit: number, rawTypes: readonly number[]) {
    return columnsOf(await this.scanObservations(afterId, limit), rawTypes);
  }

  async listNodes(): Promise<readonly NodeRow[]> {
    return [...this.nodes.values()];
  }

  async scanNodes(afterKey: string, limit: number): Promise<readonly NodeRow[]> {
    return [...this.nodes.values()]
      .filter((n) => n.publicKey > afterKey)
      .sort((x, y) => (x.publicKey < y.publicKey ? -1 : 1))
      .slice(0, limit);
  }

  async getNode(publicKey: string): Promise<NodeRow | null> {
    return this.nodes.get(publicKey) ?? null;
  }

  async listChannelMessages(
    channel: string | null,
    limit: number,
    before?: number,
  ): Promise<readonly ChannelMessageRow[]> {
    return this.messages
      .filter(
        (m) =>
          (channel === null || m.channel === channel) && (before === undefined || m.id < before),
      )
      .sort((a, b) => b.id - a.id)
      .slice(0, limit);
  }

  private meta = new Map<string, string>();
  async getMeta(key: string): Promise<string | null> {
    return this.meta.get(key) ?? null;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.meta.set(key, value);
  }
  async outboxEnqueue(msgs: readonly Omit<OutboxMessage, "id" | "createdAt">[]): Promise<void> {
    for (const m of msgs) this.outbox.push({ ...m, id: this.outbox.length + 1, createdAt: 0 });
  }
  async outboxPeek(broker: string, limit: number): Promise<readonly OutboxMessage[]> {
    return this.outbox.filter((m) => m.broker === broker).slice(0, limit);
  }
  async outboxAck(ids: readonly number[]): Promise<void> {
    this.outbox = this.outbox.filter((m) => !ids.includes(m.id));
  }
  async outboxStats() {
    const depth: Record<string, number> = {};
    for (const m of this.outbox) depth[m.broker] = (depth[m.broker] ?? 0) + 1;
    return { depth, dropped: 0 };
  }
  async backup(): Promise<void> {}

  health(): StoreHealth {
    return {
      ok: true,
      dbBytes: 4096,
      journalBytes: 0,
      lastSnapshotAt: null,
      lastSnapshotMs: null,
      schemaVersion: 1,
      observations: this.rows.length,
      transmissions: new Set(this.rows.map((r) => r.hash)).size,
      nodes: this.nodes.size,
      error: null,
      counters: {},
      ...this.healthOverride,
    };
  }
}
