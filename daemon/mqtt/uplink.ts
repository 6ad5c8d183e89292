/**
 * The MQTT upstream service: turns bus `packet` events into per-broker
 * messages in the persistent outbox, publishes status, summaries and Home
 * Assistant discovery, and runs one BrokerLink per configured broker.
 */
import type { Bus } from "../core/bus.ts";
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { RadioStatus, StoredPacket } from "../core/types.ts";
import type { TrafficTally } from "../mesh/analytics.ts";
import { payloadTypeName } from "../protocol/constants.ts";
import type { OutboxMessage } from "../store/api.ts";
import { type BrokerConfig, type ResolvedBroker, resolveBroker } from "./config.ts";
import { type Outgoing, observerTopic, packetMessage, statusMessage } from "./format.ts";
import { type Availability, discoveryMessages } from "./homeassistant.ts";
import { BrokerLink } from "./link.ts";
import type { Now, OutboxPort, RadioInfo, RadiosPort, SignerPort, SummaryPort } from "./ports.ts";
import { SessionBuilder } from "./session.ts";
import { type BrokerStatus, brokerStatus } from "./status.ts";
import { DEFAULT_SUMMARY_OPTIONS, type SummaryOptions, topicName } from "./summaries.ts";
import { SummaryPublisher } from "./summary-publisher.ts";

export interface MqttUplinkDeps {
  readonly brokers: readonly BrokerConfig[];
  readonly gateway: {
    readonly name: string;
    readonly iata: string;
    readonly lat: number | null;
    readonly lon: number | null;
  };
  readonly outbox: OutboxPort;
  readonly bus: Bus;
  readonly log: Logger;
  readonly version: string;
  readonly radios: RadiosPort;
  readonly signer?: SignerPort;
  readonly summaries?: SummaryPort;
  readonly summaryOptions?: Partial<SummaryOptions>;
  /** The daemon's traffic tally the stats summary reads (else it counts what it is given). */
  readonly traffic?: TrafficTally;
  readonly now?: Now;
}

/** Messages waiting for the store, beyond which the oldest are dropped. */
const MAX_PENDING = 20_000;
const STATS_POLL_MS = 5000;

export class MqttUplink {
  readonly name = "mqtt";
  private readonly links: { link: BrokerLink; broker: ResolvedBroker; session: SessionBuilder }[] =
    [];
  private readonly availability = new Map<string, Availability>();
  private readonly radioSeen = new Map<string, RadioStatus>();
  private readonly now: Now;
  private readonly gw: string;
  private readonly summary: SummaryPublisher;
  private pending: Omit<OutboxMessage, "id" | "createdAt">[] = [];
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private unsubs: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private lastPoll = 0;
  depth: Record<string, number> = {};
  dropped = 0;
  readonly counters = {
    packets: 0,
    enqueued: 0,
    filtered: 0,
    noIdentity: 0,
    enqueueErrors: 0,
    droppedMemory: 0,
    rejected: 0,
  };

  constructor(private readonly deps: MqttUplinkDeps) {
    this.now = deps.now ?? Date.now;
    this.gw = topicName(deps.gateway.name);
    const log = deps.log.child("mqtt");
    for (const cfg of deps.brokers) {
      const broker = resolveBroker(cfg, deps.gateway);
      if (!broker.enabled) continue;
      const session = new SessionBuilder(broker, {
        radioIds: () => this.radioIds(),
        radio: (id) => this.radio(id),
        ...(deps.signer ? { signer: deps.signer } : {}),
        gatewayName: deps.gateway.name,
        gwTopic: this.gw,
        version: deps.version,
        now: this.now,
      });
      const link = new BrokerLink(
        broker,
        deps.outbox,
        {
          prepare: async () => {
            const s = await session.prepare();
            this.availability.set(broker.id, s.availability);
            return s;
          },
          onConnect: () => this.connectMessages(broker),
          onStop: () => this.statusMessages(broker, "offline"),
        },
        log.child(broker.id),
        deps.bus,
        this.now,
      );
      this.links.push({ link, broker, session });
    }
    this.summary = new SummaryPublisher({
      ...deps,
      options: { ...DEFAULT_SUMMARY_OPTIONS, ...deps.summaryOptions },
      gwTopic: this.gw,
      now: this.now,
      radioIds: () => this.radioIds(),
      radio: (id) => this.radio(id),
      brokers: () =>
        this.links.map(({ broker, link }) => ({
          id: broker.id,
          state: link.state,
          depth: this.depth[broker.id] ?? 0,
        })),
      dropped: () => this.dropped,
      enqueue: (feed, msgs) => this.enqueueFeed(feed, msgs),
      publishHa: (msgs) => {
        for (const { broker, link } of this.links)
          if (broker.feeds.has("homeassistant")) link.publishDirect(msgs);
      },
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const bus = this.deps.bus;
    this.unsubs.push(bus.on("packet", (p) => this.onPacket(p)));
    this.unsubs.push(bus.on("radio", (r) => this.onRadio(r)));
    this.unsubs.push(bus.on("node", (n) => this.summary.nodeChanged(n.publicKey, n.change)));
    await this.pollStats();
    this.timers.push(setInterval(() => void this.pollStats(), STATS_POLL_MS));
    for (const { link, broker } of this.links) {
      if (broker.feeds.has("status")) {
        this.timers.push(
          setInterval(
            () => link.publishDirect(this.statusMessages(broker, "online")),
            broker.statusIntervalSec * 1000,
          ),
        );
      }
      link.start();
    }
    this.summary.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.summary.stop();
    this.flush();
    await this.chain;
    await Promise.all(this.links.map(({ link }) => link.stop()));
  }

  /** Build and enqueue all summaries now (also runs on its timers); returns them. */
  async publishSummaries(): Promise<Outgoing[]> {
    return [...(await this.summary.tickStats()), ...(await this.summary.tickGraph())];
  }

  status(): BrokerStatus[] {
    return this.links.map(({ link, broker }) =>
      brokerStatus(broker, link, this.depth[broker.id] ?? 0, this.dropped),
    );
  }

  private radioIds(): readonly string[] {
    const ids = new Set(this.deps.radios.list?.() ?? []);
    for (const id of this.radioSeen.keys()) ids.add(id);
    return [...ids];
  }

  private radio(id: string): RadioInfo | null {
    return this.deps.radios.get(id) ?? this.radioSeen.get(id) ?? null;
  }

  private onRadio(r: RadioStatus): void {
    const prev = this.radioSeen.get(r.id);
    this.radioSeen.set(r.id, r);
    const becameUp = r.state === "up" && (prev?.state !== "up" || prev.publicKey !== r.publicKey);
    if (!becameUp || !r.publicKey) return;
    for (const { link, broker } of this.links) {
      if (broker.feeds.has("status") && this.observes(broker, r.id))
        link.publishDirect([this.statusFor(broker, r.id, "online")].flatMap((m) => m ?? []));
    }
  }

  /**
   * A token broker knows the gateway as one observer (the key it logged in
   * with) and checks `origin_id` against it: send it that radio's messages only.
   */
  private observes(broker: ResolvedBroker, radioId: string): boolean {
    if (broker.auth.type !== "token") return true;
    const entry = this.links.find((l) => l.broker === broker);
    return entry?.session.primaryRadio()?.id === radioId;
  }

  private statusFor(
    broker: ResolvedBroker,
    radioId: string,
    state: "online" | "offline",
  ): Outgoing | null {
    const info = this.radio(radioId);
    if (!info?.publicKey) return null;
    const msg = statusMessage(state, info, this.deps.gateway.name, this.deps.version, this.now());
    return {
      topic: observerTopic(broker.topicPrefix, broker.iata, info.publicKey, "status"),
      payload: JSON.stringify(msg),
      qos: 1,
      retain: true,
    };
  }

  private statusMessages(broker: ResolvedBroker, state: "online" | "offline"): Outgoing[] {
    const out: Outgoing[] = [];
    if (broker.feeds.has("status")) {
      for (const id of this.radioIds()) {
        if (!this.observes(broker, id)) continue;
        const m = this.statusFor(broker, id, state);
        if (m) out.push(m);
      }
    }
    const av = this.availability.get(broker.id);
    if (broker.feeds.has("homeassistant") && av && !av.jsonStatus) {
      out.push({ topic: av.topic, payload: state, qos: 1, retain: true });
    }
    return out;
  }

  private connectMessages(broker: ResolvedBroker): Outgoing[] {
    const out = this.statusMessages(broker, "online");
    const av = this.availability.get(broker.id);
    const latest = this.summary.latest();
    if (broker.feeds.has("homeassistant") && av) {
      out.push(...discoveryMessages(broker.homeassistantPrefix, this.gw, this.deps.version, av));
      if (latest.ha) out.push(latest.ha);
    }
    if (broker.feeds.has("summaries")) {
      // Summaries are skipped while a broker is away (see enqueueFeed): give it the newest now.
      for (const m of latest.summaries) this.push({ broker: broker.id, ...m });
    }
    return out;
  }

  private onPacket(p: StoredPacket): void {
    this.counters.packets++;
    this.summary.packet(p);
    const info = this.radio(p.radioId);
    if (!info?.publicKey) {
      this.counters.noIdentity++;
      if (this.counters.noIdentity === 1)
        this.deps.log.warn("packet from a radio without a known key: not published", {
          radio: p.radioId,
        });
      return;
    }
    let payload: string | null = null;
    for (const { broker } of this.links) {
      if (!broker.feeds.has("packets")) continue;
      if (
        !this.observes(broker, p.radioId) ||
        (broker.packetTypes.size > 0 && !broker.packetTypes.has(payloadTypeName(p.payloadType)))
      ) {
        this.counters.filtered++;
        continue;
      }
      if (payload === null) {
        try {
          payload = JSON.stringify(packetMessage(p, info, this.deps.gateway.name));
        } catch (err) {
          // A malformed record (e.g. an invalid receive time) is counted, never thrown at the bus.
          this.counters.rejected++;
          this.deps.log.warn("packet not publishable", {
            hash: String(p.hash).slice(0, 16),
            err: errorMessage(err),
          });
          return;
        }
      }
      this.push({
        broker: broker.id,
        topic: observerTopic(broker.topicPrefix, broker.iata, info.publicKey, "packets"),
        payload,
        qos: 1,
        retain: false,
      });
    }
  }

  /**
   * Summaries are snapshots whose newest copy replaces the older ones, so a
   * broker that is away gets none queued (they would only crowd packets out
   * of the outbox's budget); it gets the newest set when it connects.
   */
  private enqueueFeed(feed: "summaries", msgs: readonly Outgoing[]): void {
    for (const { broker, link } of this.links) {
      if (!broker.feeds.has(feed) || link.state !== "connected") continue;
      for (const m of msgs) this.push({ broker: broker.id, ...m });
    }
  }

  private push(m: Omit<OutboxMessage, "id" | "createdAt">): void {
    this.pending.push(m);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      this.counters.droppedMemory++;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One store call per event-loop turn keeps bursts cheap and order intact.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    this.chain = this.chain.then(() => this.write());
  }

  /** Writes everything pending, in order; on a store error keeps it and retries. */
  private async write(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      await this.deps.outbox.outboxEnqueue(batch);
      this.counters.enqueued += batch.length;
    } catch (err) {
      this.counters.enqueueErrors++;
      this.deps.log.error("outbox enqueue failed; retrying", {
        n: batch.length,
        err: errorMessage(err),
      });
      this.pending = batch.concat(this.pending).slice(-MAX_PENDING);
      if (this.started) setTimeout(() => this.flush(), 1000);
      return;
    }
    // Keep depth/dropped in status() fresh under load, at most once a second.
    if (this.now() - this.lastPoll >= 1000) void this.pollStats();
    const ids = new Set(batch.map((m) => m.broker));
    for (const { link, broker } of this.links) if (ids.has(broker.id)) link.kick();
  }

  private async pollStats(): Promise<void> {
    this.lastPoll = this.now();
    try {
      const s = await this.deps.outbox.outboxStats();
      this.depth = { ...s.depth };
      this.dropped = s.dropped;
    } catch (err) {
      this.deps.log.warn("outbox stats failed", { err: errorMessage(err) });
    }
  }
}
