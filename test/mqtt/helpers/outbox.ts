/**
 * Test outboxes with the store's contract (outboxEnqueue/Peek/Ack/Stats):
 * an in-memory one, and a file-backed one (an append-only op log replayed on
 * open) so a "restarted" uplink can pick up exactly what was left.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
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

  protected persist(_op: unknown): void {}

  async outboxEnqueue(msgs: readonly NewMessage[]): Promise<void> {
    this.enqueueCalls++;
    const added: OutboxMessage[] = [];
    for (const m of msgs) {
      const row = { ...m, id: this.nextId++, createdAt: this.now() };
      this.rows.set(row.id, row);
      added.push(row);
    }
    this.persist({ op: "enq", rows: added });
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
    this.persist({ op: "ack", ids });
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
    this.persist({ op: "ack", ids: dropIds });
  }
}

/** Survives a "restart": a new FileOutbox on the same path sees what was not acked. */
export class FileOutbox extends MemoryOutbox {
  constructor(
    private readonly path: string,
    bounds: OutboxBounds = {},
  ) {
    super(bounds);
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line) continue;
      const op = JSON.parse(line) as
        | { op: "enq"; rows: OutboxMessage[] }
        | { op: "ack"; ids: number[] };
      if (op.op === "enq") {
        for (const r of op.rows) {
          this.rows.set(r.id, r);
          this.nextId = Math.max(this.nextId, r.id + 1);
        }
      } else {
        for (const id of op.ids) this.rows.delete(id);
      }
    }
  }

  protected override persist(op: unknown): void {
    appendFileSync(this.path, `${JSON.stringify(op)}\n`);
  }
}
