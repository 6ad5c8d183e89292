/**
 * Live updates over /ws. Each client picks topics (and payload types for
 * packets) with a subscribe message. A message is serialised once per event,
 * not per client. Backpressure: a client whose unsent bytes pass the soft
 * limit is skipped (its messages are dropped and counted, and it is told how
 * many when it catches up); one that stays slow past `maxSlowMs` is closed.
 * So the memory a client can pin is bounded by the soft limit plus one
 * message, however slowly it reads.
 */
import type { WsConn } from "./engine.ts";

export const WS_TOPICS = ["packet", "node", "radio", "mqtt"] as const;
export type WsTopic = (typeof WS_TOPICS)[number];

export interface WsHubOptions {
  readonly softLimitBytes: number;
  readonly maxSlowMs: number;
  readonly maxClients: number;
}

export const DEFAULT_WS_OPTIONS: WsHubOptions = {
  softLimitBytes: 256 * 1024,
  maxSlowMs: 30_000,
  maxClients: 256,
};

interface Client {
  readonly conn: WsConn;
  topics: ReadonlySet<WsTopic>;
  payloadTypes: ReadonlySet<string> | null;
  dropped: number;
  slowSince: number | null;
}

export interface WsHubStats {
  readonly clients: number;
  readonly sent: number;
  readonly dropped: number;
  readonly closedSlow: number;
  readonly rejected: number;
  readonly badMessages: number;
  /** Bus events that could not be serialised (a bug upstream). */
  readonly badEvents: number;
  /** Highest unsent byte count seen on any client (memory bound check). */
  readonly peakBufferedBytes: number;
}

/** The hub's own counters: all of its stats but the live client count. */
type Counters = { -readonly [K in Exclude<keyof WsHubStats, "clients">]: number };

export class WsHub {
  private readonly clients = new Map<number, Client>();
  private readonly counts: Counters = {
    sent: 0,
    dropped: 0,
    closedSlow: 0,
    rejected: 0,
    badMessages: 0,
    badEvents: 0,
    peakBufferedBytes: 0,
  };

  constructor(
    private readonly opts: WsHubOptions = DEFAULT_WS_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  open(conn: WsConn, hello: Record<string, unknown>): void {
    if (this.clients.size >= this.opts.maxClients) {
      this.counts.rejected++;
      conn.close(1013, "too many clients");
      return;
    }
    this.clients.set(conn.id, {
      conn,
      topics: new Set(WS_TOPICS),
      payloadTypes: null,
      dropped: 0,
      slowSince: null,
    });
    conn.send(JSON.stringify({ type: "hello", topics: WS_TOPICS, ...hello }));
  }

  close(conn: WsConn): void {
    this.clients.delete(conn.id);
  }

  /** Handle a client message; only `subscribe` is understood. */
  message(conn: WsConn, text: string): void {
    const c = this.clients.get(conn.id);
    if (!c) return;
    const reply = this.applySubscribe(c, text);
    conn.send(JSON.stringify(reply));
  }

  private applySubscribe(c: Client, text: string): Record<string, unknown> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.counts.badMessages++;
      return { type: "error", message: "message is not JSON" };
    }
    if (
      typeof msg !== "object" ||
      msg === null ||
      (msg as { type?: unknown }).type !== "subscribe"
    ) {
      this.counts.badMessages++;
      return { type: "error", message: 'type: only "subscribe" is understood' };
    }
    const { topics, payloadTypes } = msg as { topics?: unknown; payloadTypes?: unknown };
    if (topics !== undefined) {
      if (
        !Array.isArray(topics) ||
        topics.some((t) => !(WS_TOPICS as readonly unknown[]).includes(t))
      ) {
        this.counts.badMessages++;
        return { type: "error", message: `topics: must be a list of ${WS_TOPICS.join(", ")}` };
      }
    }
    if (payloadTypes !== undefined && payloadTypes !== null) {
      if (
        !Array.isArray(payloadTypes) ||
        payloadTypes.length > 32 ||
        payloadTypes.some((t) => typeof t !== "string" || !/^[A-Z_]{1,20}$/.test(t))
      ) {
        this.counts.badMessages++;
        return { type: "error", message: "payloadTypes: must be a list of payload type names" };
      }
    }
    if (topics !== undefined) c.topics = new Set(topics as WsTopic[]);
    if (payloadTypes !== undefined) {
      c.payloadTypes = payloadTypes === null ? null : new Set(payloadTypes as string[]);
    }
    return {
      type: "subscribed",
      topics: [...c.topics],
      payloadTypes: c.payloadTypes ? [...c.payloadTypes] : null,
    };
  }

  /** Send one event to every interested client. */
  /**
   * Send one event to every subscribed client. `data` may be a function: it
   * is called once, and only when some client takes the event (the packet
   * event resolves its path; no need when nobody listens).
   */
  publish(topic: WsTopic, data: unknown, payloadType?: string): void {
    if (this.clients.size === 0) return;
    let text: string | null = null;
    const t = this.now();
    for (const c of this.clients.values()) {
      if (!c.topics.has(topic)) continue;
      if (payloadType !== undefined && c.payloadTypes && !c.payloadTypes.has(payloadType)) continue;
      const buffered = c.conn.bufferedAmount();
      if (buffered > this.counts.peakBufferedBytes) this.counts.peakBufferedBytes = buffered;
      if (buffered > this.opts.softLimitBytes) {
        c.dropped++;
        this.counts.dropped++;
        c.slowSince ??= t;
        if (t - c.slowSince > this.opts.maxSlowMs) {
          this.counts.closedSlow++;
          this.clients.delete(c.conn.id);
          c.conn.close(1013, "client too slow");
        }
        continue;
      }
      c.slowSince = null;
      if (c.dropped > 0) {
        c.conn.send(JSON.stringify({ type: "dropped", count: c.dropped }));
        c.dropped = 0;
      }
      if (text === null) {
        try {
          const d = typeof data === "function" ? (data as () => unknown)() : data;
          text = JSON.stringify({ type: topic, data: d });
        } catch {
          // An event that cannot be serialised (a cycle, a BigInt) is a bug
          // upstream: count it, and keep serving the other events.
          this.counts.badEvents++;
          return;
        }
      }
      c.conn.send(text);
      this.counts.sent++;
    }
  }

  /** Close every client (server shutdown). */
  closeAll(): void {
    for (const c of this.clients.values()) c.conn.close(1001, "server stopping");
    this.clients.clear();
  }

  stats(): WsHubStats {
    return { clients: this.clients.size, ...this.counts };
  }
}
