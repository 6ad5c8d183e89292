/**
 * Which outbox messages a broker link has out: sent and awaiting PUBACK
 * (`inflight`), or acknowledged by the broker and being marked done in the
 * store (`recording`). Acks reach the store in batches, one call at a time,
 * so a slow store never sees overlapping writes; a failed ack leaves the
 * message in the outbox, to be sent again (at-least-once, never lost).
 */
import type { OutboxPort } from "./ports.ts";

export class AckLedger {
  private readonly inflight = new Set<number>();
  private readonly recording = new Set<number>();
  private queue: number[] = [];
  private busy = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly outbox: OutboxPort,
    /** A store ack failed (counted and logged by the link). */
    private readonly onStoreError: (err: unknown) => void,
    /** A batch of acks is recorded: the link may send more. */
    private readonly onRecorded: () => void,
  ) {}

  get inflightCount(): number {
    return this.inflight.size;
  }

  get recordingCount(): number {
    return this.recording.size;
  }

  /** True when the message is already out or done: do not send it again. */
  busyWith(id: number): boolean {
    return this.inflight.has(id) || this.recording.has(id);
  }

  sent(id: number): void {
    this.inflight.add(id);
  }

  /** The broker acknowledged (or the message is dropped on purpose): mark it done. */
  done(id: number): void {
    this.inflight.delete(id);
    this.recording.add(id);
    this.queue.push(id);
    void this.flush();
  }

  /** The connection is gone: what was in flight will be peeked and sent again. */
  connectionLost(): void {
    this.inflight.clear();
    this.wake();
  }

  /** Resolves when nothing is in flight or being recorded, or after `ms`. */
  drained(ms: number): Promise<void> {
    if (this.inflight.size === 0 && this.queue.length === 0 && !this.busy) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Write queued acks to the store, in batches, until none are left. */
  async flush(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const ids = this.queue;
        this.queue = [];
        try {
          await this.outbox.outboxAck(ids);
        } catch (err) {
          this.onStoreError(err);
        }
        for (const id of ids) this.recording.delete(id);
      }
    } finally {
      this.busy = false;
    }
    if (this.inflight.size === 0) this.wake();
    this.onRecorded();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
