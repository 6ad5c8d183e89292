import type { Bus } from "../core/bus.ts";
import { toHex } from "../core/bytes.ts";
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { Service } from "../core/service.ts";
import type { PacketItem, RxPacket } from "../core/types.ts";
import { payloadTypeName, routeName } from "../protocol/constants.ts";
import type { ObservationInput, StoreApi } from "../store/api.ts";

/** What ingest needs to know about a packet: the decode, reduced. */
export type DecodedFields = Omit<ObservationInput, "raw" | "radioId" | "at" | "snr" | "rssi">;

/** Turns raw bytes into the stored fields; must never throw. */
export type ObservationDecoder = (raw: Uint8Array) => DecodedFields;

export interface StoredObservation {
  readonly item: PacketItem;
  readonly input: ObservationInput;
}

export interface IngestOptions {
  bus: Bus;
  store: Pick<StoreApi, "ingest">;
  decode: ObservationDecoder;
  log: Logger;
  /** Max observations waiting for the store; the oldest are dropped (and counted) past it. */
  maxQueue?: number;
  /** Group observations for this long before one store call. */
  batchMs?: number;
  batchSize?: number;
}

/**
 * Radio receptions -> decode -> store (batched) -> `packet` events.
 * If the store rejects a batch, the batch stays at the head of the queue and
 * is retried with backoff; the queue is bounded so memory never runs away.
 */
export class Ingest implements Service {
  readonly name = "ingest";
  private queue: ObservationInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private retryMs = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<(stored: readonly StoredObservation[]) => void>();
  private stopped = false;
  readonly counters = {
    received: 0,
    stored: 0,
    decodeErrors: 0,
    dropped: 0,
    storeErrors: 0,
    transmissions: 0,
  };

  constructor(private readonly opts: IngestOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = this.opts.bus.on("rx", (rx) => this.push(rx));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retryMs = 0;
    await this.flush();
    this.stopped = true;
  }

  /** Called with every batch once the store has it. */
  onStored(listener: (stored: readonly StoredObservation[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  queueDepth(): number {
    return this.queue.length;
  }

  push(rx: RxPacket): void {
    if (this.stopped) return;
    this.counters.received++;
    const fields = this.opts.decode(rx.raw);
    if (fields.error) this.counters.decodeErrors++;
    this.queue.push({
      ...fields,
      raw: rx.raw,
      radioId: rx.radioId,
      at: rx.at,
      snr: rx.snr,
      rssi: rx.rssi,
    });
    const max = this.opts.maxQueue ?? 20_000;
    if (this.queue.length > max) {
      const drop = this.queue.length - max;
      this.queue.splice(0, drop);
      this.counters.dropped += drop;
      this.opts.log.warn("ingest queue full, dropped oldest", { dropped: drop, max });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    const size = this.opts.batchSize ?? 500;
    const delay = this.retryMs || (this.queue.length >= size ? 0 : (this.opts.batchMs ?? 25));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  /** Stores everything queued so far. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.flushOnce();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
    if (this.queue.length > 0 && !this.stopped) this.schedule();
  }

  private async flushOnce(): Promise<void> {
    const size = this.opts.batchSize ?? 500;
    const batch = this.queue.slice(0, size);
    let result: Awaited<ReturnType<StoreApi["ingest"]>>;
    try {
      result = await this.opts.store.ingest(batch);
    } catch (err) {
      this.counters.storeErrors++;
      this.retryMs = Math.min(Math.max(this.retryMs * 2, 100), 5_000);
      this.opts.log.error("store rejected a batch; will retry", {
        error: errorMessage(err),
        retryMs: this.retryMs,
        queued: this.queue.length,
      });
      return;
    }
    this.retryMs = 0;
    // The queue may have been trimmed while the store worked: drop by identity.
    const taken = new Set(batch);
    this.queue = this.queue.filter((o) => !taken.has(o));
    const stored: StoredObservation[] = [];
    batch.forEach((input, i) => {
      const row = result.rows[i];
      if (!row) return;
      if (row.firstSeen) this.counters.transmissions++;
      stored.push({ input, item: toPacketItem(input, row.id, row.firstSeen) });
    });
    this.counters.stored += stored.length;
    for (const l of this.listeners) {
      try {
        l(stored);
      } catch (err) {
        this.opts.log.error("ingest listener failed", { error: errorMessage(err) });
      }
    }
    for (const s of stored) this.opts.bus.emit("packet", s.item);
  }
}

export function toPacketItem(o: ObservationInput, id: number, firstSeen: boolean): PacketItem {
  return {
    id,
    hash: o.hash,
    raw: toHex(o.raw),
    receivedAt: new Date(o.at).toISOString(),
    radioId: o.radioId,
    payloadType: payloadTypeName(o.payloadType),
    route: routeName(o.route),
    snr: o.snr,
    rssi: o.rssi,
    hashSize: o.hashSize,
    hops: o.hops,
    firstSeen,
    summary: o.summary,
    error: o.error,
  };
}
