/**
 * One broker connection. The persistent outbox is the only queue: this link
 * peeks the oldest pending messages for its broker, keeps at most `inflight`
 * of them unacknowledged, and marks each done in the outbox on PUBACK. A new
 * mqtt.js client is made for every connection (its own reconnect is off), so
 * nothing is queued in mqtt.js memory; after a drop the unacknowledged
 * messages are simply peeked and sent again, oldest first.
 */
import type { IClientOptions, MqttClient } from "mqtt";
import type { Bus } from "../core/bus.ts";
import { errorMessage } from "../core/errors.ts";
import { type Logger, redactUrl } from "../core/log.ts";
import type { OutboxMessage } from "../store/api.ts";
import { clientOptions } from "./client-options.ts";
import type { ResolvedBroker } from "./config.ts";
import type { Outgoing } from "./format.ts";
import { AckLedger } from "./ledger.ts";
import { loadMqtt, type Mqtt } from "./load.ts";
import type { Now, OutboxPort } from "./ports.ts";
import { brokerEndpoint, probeTcp } from "./probe.ts";

export type LinkState = "idle" | "connecting" | "connected" | "renewing" | "backoff" | "stopped";

/** What the uplink supplies for each connection attempt. */
export interface Session {
  will?: Outgoing;
  username?: string;
  password?: string;
  /** Reconnect with fresh credentials after this many ms (token renewal). */
  renewInMs?: number;
}

export interface LinkHooks {
  /** Credentials and will for the next attempt; throws when not possible yet. */
  prepare(): Promise<Session>;
  /** Connection-scoped messages published right after CONNACK (status, discovery). */
  onConnect(): readonly Outgoing[];
  /** Published before a clean disconnect at stop (status "offline"). */
  onStop(): readonly Outgoing[];
}

// A type alias (not an interface) so it is assignable to Record<string, number>.
export type LinkCounters = {
  attempts: number;
  connects: number;
  disconnects: number;
  published: number;
  acked: number;
  publishErrors: number;
  stalls: number;
  renewals: number;
  poisoned: number;
  storeErrors: number;
  direct: number;
  /** TCP probes made while backing off (see retry()). */
  probes: number;
};

/** While backing off longer than this, a TCP probe this often watches for the broker's return. */
const PROBE_MS = 2000;
const PROBE_TIMEOUT_MS = 1500;
/** ±25%: gateways that lost the same broker do not probe in step. */
const jitter = (ms: number) => Math.round(ms * (0.75 + Math.random() / 2));

/** A message sent on this many connections without a PUBACK is dropped as poison. */
const MAX_SENDS = 5;
const DRAIN_WAIT_MS = 3000;

export class BrokerLink {
  state: LinkState = "idle";
  since: number;
  lastError: string | null = null;
  connectedAt: number | null = null;
  readonly counters: LinkCounters = {
    attempts: 0,
    connects: 0,
    disconnects: 0,
    published: 0,
    acked: 0,
    publishErrors: 0,
    stalls: 0,
    renewals: 0,
    poisoned: 0,
    storeErrors: 0,
    direct: 0,
    probes: 0,
  };
  private client: MqttClient | null = null;
  /** Bumped whenever the current connection is abandoned; stale callbacks compare it. */
  private gen = 0;
  private failures = 0;
  private readonly ledger: AckLedger;
  private readonly sends = new Map<number, number>();
  private pumping = false;
  private pumpAgain = false;
  private lastProgress = 0;
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly broker: ResolvedBroker,
    private readonly outbox: OutboxPort,
    private readonly hooks: LinkHooks,
    private readonly log: Logger,
    private readonly bus: Bus,
    private readonly now: Now,
  ) {
    this.since = now();
    this.ledger = new AckLedger(
      outbox,
      (err) => {
        this.counters.storeErrors++;
        this.log.error("outbox ack failed", { broker: this.broker.id, err: errorMessage(err) });
      },
      () => this.kick(),
    );
  }

  get inflightCount(): number {
    return this.ledger.inflightCount;
  }

  start(): void {
    if (this.state !== "idle") return;
    const watch = Math.max(1000, this.broker.keepaliveSec * 1000);
    const iv = setInterval(() => this.watchdog(), watch);
    this.timers.add(iv);
    void this.connect();
  }

  /** Something was enqueued for this broker. */
  kick(): void {
    if (this.pumping) this.pumpAgain = true;
    else void this.pump();
  }

  /** Publish now if connected (gauges whose stale values are worth nothing). */
  publishDirect(msgs: readonly Outgoing[]): boolean {
    const client = this.client;
    if (this.state !== "connected" || !client) return false;
    for (const m of msgs) {
      client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
        if (err)
          this.log.debug("direct publish failed", {
            broker: this.broker.id,
            err: errorMessage(err),
          });
      });
      this.counters.direct++;
    }
    return true;
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    const prev = this.state;
    this.setState("stopped", "stop");
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const client = this.client;
    this.client = null;
    if (client && prev === "connected") {
      await this.ledger.drained(DRAIN_WAIT_MS);
      const last = this.hooks.onStop();
      await Promise.all(
        last.map(
          (m) =>
            new Promise<void>((resolve) => {
              const t = setTimeout(resolve, 1000);
              client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, () => {
                clearTimeout(t);
                resolve();
              });
            }),
        ),
      );
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          client.end(true);
          resolve();
        }, 1000);
        client.end(false, {}, () => {
          clearTimeout(t);
          resolve();
        });
      });
    } else {
      client?.end(true);
    }
    this.gen++;
    await this.ledger.flush();
  }

  /** Read without the compiler's narrowing (it changes across awaits). */
  private stateNow(): LinkState {
    return this.state;
  }

  private setState(state: LinkState, why?: string): void {
    if (this.state === state) return;
    // Error texts can quote the broker URL: the bus feeds the API and UI.
    const detail = why === undefined ? undefined : redactUrl(why);
    this.state = state;
    this.since = this.now();
    const fields: Record<string, unknown> = { broker: this.broker.id, state };
    if (detail) fields.detail = detail;
    if (state === "backoff") this.log.warn("broker state", fields);
    else this.log.info("broker state", fields);
    this.bus.emit("mqtt", { broker: this.broker.id, state, detail });
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async connect(): Promise<void> {
    if (this.state === "stopped") return;
    const gen = ++this.gen;
    this.counters.attempts++;
    this.setState("connecting", redactUrl(this.broker.url));
    let session: Session;
    let opts: IClientOptions;
    let connect: Mqtt["connect"];
    try {
      ({ connect } = await loadMqtt());
      session = await this.hooks.prepare();
      opts = clientOptions(this.broker, session);
    } catch (err) {
      this.down(gen, errorMessage(err));
      return;
    }
    // The state may have changed while awaiting (stop, another attempt).
    if (gen !== this.gen || this.stateNow() === "stopped") return;
    let client: MqttClient;
    try {
      client = connect(this.broker.url, opts);
    } catch (err) {
      this.down(gen, errorMessage(err));
      return;
    }
    this.client = client;
    // An EventEmitter throws on an unheard "error": keep this listener for good.
    client.on("error", (err) => {
      this.lastError = errorMessage(err);
      if (gen === this.gen)
        this.log.debug("mqtt error", { broker: this.broker.id, err: this.lastError });
    });
    client.on("close", () => this.down(gen, this.lastError ?? "connection closed"));
    client.on("connect", () => this.up(gen, client, session));
  }

  private up(gen: number, client: MqttClient, session: Session): void {
    if (gen !== this.gen || this.state === "stopped") {
      client.end(true);
      return;
    }
    this.failures = 0;
    this.lastError = null;
    this.counters.connects++;
    this.connectedAt = this.now();
    this.lastProgress = this.now();
    this.setState("connected");
    this.publishDirect(this.hooks.onConnect());
    if (session.renewInMs !== undefined) {
      this.after(session.renewInMs, () => void this.renew(gen));
    }
    this.kick();
  }

  /** The current connection is gone (or never came): back off, then retry. */
  private down(gen: number, reason: string): void {
    if (gen !== this.gen || this.state === "stopped") return;
    this.gen++;
    const wasUp = this.state === "connected" || this.state === "renewing";
    if (wasUp) this.counters.disconnects++;
    this.lastError = reason;
    this.ledger.connectionLost();
    const client = this.client;
    this.client = null;
    // Not synchronously: down() can run inside mqtt.js's own flush of pending
    // callbacks, and ending the client there re-enters that loop.
    if (client) setImmediate(() => client.end(true));
    const base = Math.min(
      this.broker.backoffMaxMs,
      this.broker.backoffMinMs * 2 ** Math.min(this.failures, 20),
    );
    this.failures++;
    // Jitter spreads gateways that lost the same broker at the same moment.
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.setState("backoff", `${reason}; retry in ${delay} ms`);
    this.retry(delay);
  }

  /**
   * Connects again after `delay`, or sooner when the broker comes back: while
   * waiting, a bare TCP handshake every PROBE_MS (jittered) watches for it. A
   * probe that succeeds after one that failed means the broker returned, and
   * the link connects at once. A broker reachable all along (refusing our
   * login, say) keeps the full backoff, so it is never hammered with CONNECTs.
   */
  private retry(delay: number): void {
    const gen = this.gen;
    let done = false;
    const go = () => {
      if (done || gen !== this.gen || this.state !== "backoff") return;
      done = true;
      void this.connect();
    };
    this.after(delay, go);
    if (delay <= PROBE_MS) return;
    const { host, port } = brokerEndpoint(this.broker);
    let sawDown = false;
    const probe = () => {
      if (done || gen !== this.gen || this.state !== "backoff") return;
      this.counters.probes++;
      void probeTcp(host, port, PROBE_TIMEOUT_MS).then((ok) => {
        if (ok && sawDown) {
          this.log.info("broker reachable again", { broker: this.broker.id });
          go();
          return;
        }
        if (!ok) sawDown = true;
        this.after(jitter(PROBE_MS), probe);
      });
    };
    this.after(jitter(PROBE_MS), probe);
  }

  /** Token renewal: let in-flight messages finish, disconnect cleanly, reconnect. */
  private async renew(gen: number): Promise<void> {
    if (gen !== this.gen || this.state !== "connected") return;
    this.setState("renewing", "token renewal");
    this.counters.renewals++;
    await this.ledger.drained(DRAIN_WAIT_MS);
    if (gen !== this.gen || this.stateNow() !== "renewing") return;
    this.gen++;
    this.ledger.connectionLost();
    const client = this.client;
    this.client = null;
    client?.end(false);
    void this.connect();
  }

  private watchdog(): void {
    if (this.state !== "connected" || this.ledger.inflightCount === 0) return;
    const limit = Math.max(10_000, 2 * this.broker.keepaliveSec * 1000);
    const idle = this.now() - this.lastProgress;
    if (idle > limit) {
      // A half-open socket can swallow publishes without erroring: force a new one.
      this.counters.stalls++;
      this.down(this.gen, `no PUBACK for ${Math.round(idle / 1000)} s`);
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const client = this.client;
        const gen = this.gen;
        if (this.state !== "connected" || !client) return;
        const window = this.broker.inflight;
        if (this.ledger.inflightCount >= window) return;
        // Backpressure: when the store lags on acks, wait for it (the ledger kicks).
        if (this.ledger.recordingCount > 4 * window) return;
        let msgs: readonly OutboxMessage[];
        try {
          msgs = await this.outbox.outboxPeek(this.broker.id, window + this.ledger.recordingCount);
        } catch (err) {
          this.counters.storeErrors++;
          this.log.error("outbox peek failed", { broker: this.broker.id, err: errorMessage(err) });
          this.after(1000, () => this.kick());
          return;
        }
        if (gen !== this.gen || this.state !== "connected") return;
        for (const m of msgs) {
          if (this.ledger.inflightCount >= window) break;
          if (this.ledger.busyWith(m.id)) continue;
          this.send(gen, client, m);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private send(gen: number, client: MqttClient, m: OutboxMessage): void {
    const n = (this.sends.get(m.id) ?? 0) + 1;
    if (n > MAX_SENDS) {
      this.counters.poisoned++;
      this.log.error("dropping message never acknowledged", {
        broker: this.broker.id,
        topic: m.topic,
        sends: n - 1,
      });
      this.sends.delete(m.id);
      this.acked(m.id);
      return;
    }
    if (this.sends.size > 10 * this.broker.inflight + 100) this.sends.clear();
    this.sends.set(m.id, n);
    if (this.ledger.inflightCount === 0) this.lastProgress = this.now();
    this.ledger.sent(m.id);
    this.counters.published++;
    client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (gen !== this.gen) return; // that connection is gone; the outbox still has it
      if (err) {
        this.counters.publishErrors++;
        this.down(gen, `publish failed: ${errorMessage(err)}`);
        return;
      }
      this.sends.delete(m.id);
      this.acked(m.id);
      // The window has room again: keep sending while the store records the ack.
      this.kick();
    });
  }

  private acked(id: number): void {
    this.counters.acked++;
    this.lastProgress = this.now();
    this.ledger.done(id);
  }
}
