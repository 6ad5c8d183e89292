/**
 * An in-memory outbox with the store's contract (outboxEnqueue/Peek/Ack/
 * Stats) and its bounds (per-broker size and age, drop-oldest), for unit
 * tests and the bench's store-free baseline. Durability tests use the real
 * store.
 */
import type { OutboxPort } from "../../../daemon/mqtt/ports.ts";
import type { OutboxMessage } from "../../../daemon/store/api.ts";

type NewMessage = Omit<OutboxMessage, "id" | "createdAt">;

export interface OutboxBounds {
  /** Per broker; the oldest are dropped beyond it. */
  readonly maxMessages?: number;
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export class MemoryOutbox implements OutboxPort {
  protected rows = new Map<number, OutboxMessage>();
  protected nextId = 1;
  dropped = 0;
  acks = 0;
  enqueueCalls = 0;

  constructor(protected readonly bounds: OutboxBounds = {}) {}

  protected now(): number {
    return this.bounds.now?.() ?? Date.now();
  }

  async outboxEnqueue(msgs: readonly NewMessage[]): Promise<void> {
    this.enqueueCalls++;
    for (const m of msgs) {
      const row = { ...m, id: this.nextId++, createdAt: this.now() };
      this.rows.set(row.id, row);
    }
    this.enforce();
  }

  async outboxPeek(broker: string, limit: number): Promise<readonly OutboxMessage[]> {
    this.enforce();
    const out: OutboxMessage[] = [];
    for (const r of this.rows.values()) {
      if (r.broker !== broker) continue;
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  async outboxAck(ids: readonly number[]): Promise<void> {
    for (const id of ids) if (this.rows.delete(id)) this.acks++;
  }

  async outboxStats(): Promise<{ depth: Record<string, number>; dropped: number }> {
    const depth: Record<string, number> = {};
    for (const r of this.rows.values()) depth[r.broker] = (depth[r.broker] ?? 0) + 1;
    return { depth, dropped: this.dropped };
  }

  get size(): number {
    return this.rows.size;
  }

  private enforce(): void {
    const { maxMessages, maxAgeMs } = this.bounds;
    const dropIds: number[] = [];
    if (maxAgeMs !== undefined) {
      const cutoff = this.now() - maxAgeMs;
      for (const r of this.rows.values()) if (r.createdAt < cutoff) dropIds.push(r.id);
    }
    if (maxMessages !== undefined) {
      const per = new Map<string, number[]>();
      for (const r of this.rows.values()) {
        const l = per.get(r.broker) ?? [];
        l.push(r.id);
        per.set(r.broker, l);
      }
      for (const l of per.values())
        if (l.length > maxMessages) dropIds.push(...l.slice(0, l.length - maxMessages));
    }
    if (dropIds.length === 0) return;
    for (const id of dropIds) if (this.rows.delete(id)) this.dropped++;
  }
}
