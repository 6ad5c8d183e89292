import type { RadioStatus, RxPacket, StoredPacket } from "./types.ts";

/** Event names and payloads carried by the daemon's in-process bus. */
export interface BusEvents {
  /** A radio heard a packet (before decode and storage). */
  rx: RxPacket;
  /** The store accepted an observation: the domain record (bytes, numbers, ids). */
  packet: StoredPacket;
  /** A radio changed state or refreshed its stats. */
  radio: RadioStatus;
  /** MQTT broker state changed (shape owned by daemon/mqtt). */
  mqtt: { readonly broker: string; readonly state: string; readonly detail?: unknown };
  /** A node was added or changed (shape owned by daemon/mesh). */
  node: {
    readonly publicKey: string;
    readonly change: "new" | "updated";
    readonly detail?: unknown;
  };
}

type Handler<T> = (payload: T) => void;

/**
 * A tiny synchronous typed event bus. A throwing handler is isolated: it is
 * counted and reported through `onHandlerError`, and other handlers still run.
 */
export class Bus {
  private readonly handlers = new Map<keyof BusEvents, Set<Handler<never>>>();
  handlerErrors = 0;
  onHandlerError: (event: string, err: unknown) => void = () => {};

  on<K extends keyof BusEvents>(event: K, handler: Handler<BusEvents[K]>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  emit<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const h of set) {
      try {
        (h as Handler<BusEvents[K]>)(payload);
      } catch (err) {
        this.handlerErrors++;
        this.onHandlerError(event, err);
      }
    }
  }

  listenerCount(event: keyof BusEvents): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
