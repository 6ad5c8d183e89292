/**
 * Ticks the summaries of the registry (summary-registry.ts): the `stats`
 * interval every `intervalSec`, the `graph` interval every `graphIntervalSec`
 * (retained, through the outbox), and the Home Assistant state (direct: a
 * stale gauge is worth nothing).
 */
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { StoredPacket } from "../core/types.ts";
import { TrafficTally } from "../mesh/analytics.ts";
import type { Outgoing } from "./format.ts";
import { radioString } from "./format.ts";
import { haStateMessage } from "./homeassistant.ts";
import type { Now, RadioInfo, SummaryPort } from "./ports.ts";
import { type RadioSummary, type SummaryOptions, TrafficWindow } from "./summaries.ts";
import { SUMMARIES, type SummaryDef, type SummaryTick } from "./summary-registry.ts";

export interface SummaryPublisherDeps {
  readonly options: SummaryOptions;
  readonly gwTopic: string;
  readonly gateway: {
    readonly name: string;
    readonly iata: string;
    readonly lat: number | null;
    readonly lon: number | null;
  };
  readonly version: string;
  readonly log: Logger;
  readonly now: Now;
  readonly summaries?: SummaryPort;
  /** The daemon's traffic tally; without one the publisher counts the packets it is given. */
  readonly traffic?: TrafficTally;
  readonly radioIds: () => readonly string[];
  readonly radio: (id: string) => RadioInfo | null;
  readonly brokers: () => readonly { id: string; state: string; depth: number }[];
  readonly dropped: () => number;
  readonly enqueue: (feed: "summaries", msgs: readonly Outgoing[]) => void;
  readonly publishHa: (msgs: readonly Outgoing[]) => void;
}

const MAX_CHANGES = 2000;

export class SummaryPublisher {
  private readonly traffic: TrafficWindow;
  /** Counting here only when no daemon tally is wired (tests, benches). */
  private readonly counting: boolean;
  private readonly tally: TrafficTally;
  private readonly startedAt: number;
  private changed = new Map<string, string>();
  private readonly heard = new Set<string>();
  private nodeCount = 0;
  private timers: NodeJS.Timeout[] = [];
  /** The newest summary per topic, and HA state, for brokers that (re)connect. */
  private readonly latestByTopic = new Map<string, Outgoing>();
  private latestHa: Outgoing | null = null;
  private ticking = false;

  constructor(private readonly d: SummaryPublisherDeps) {
    this.startedAt = d.now();
    this.tally = d.traffic ?? new TrafficTally();
    this.counting = this.tally !== d.traffic;
    this.traffic = new TrafficWindow(this.startedAt, this.tally);
  }

  start(): void {
    const o = this.d.options;
    this.timers.push(setInterval(() => void this.tickStats(), o.intervalSec * 1000));
    this.timers.push(setInterval(() => void this.tickGraph(), o.graphIntervalSec * 1000));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Newest summaries (outbox) and HA state (direct) for a broker that just connected. */
  latest(): { summaries: Outgoing[]; ha: Outgoing | null } {
    return { summaries: [...this.latestByTopic.values()], ha: this.latestHa };
  }

  private emit(out: readonly Outgoing[]): void {
    for (const m of out) this.latestByTopic.set(m.topic, m);
    this.d.enqueue("summaries", out);
  }

  packet(p: StoredPacket): void {
    if (this.counting) this.tally.add(p);
    this.traffic.addSignal(p);
  }

  nodeChanged(key: string, change: string): void {
    const k = key.toUpperCase().slice(0, 64);
    if (this.heard.size < 100_000) this.heard.add(k);
    if (this.changed.size < MAX_CHANGES || this.changed.has(k))
      this.changed.set(k, change === "new" ? "new" : "updated");
  }

  private radios(): RadioSummary[] {
    return this.d.radioIds().map((id) => {
      const r = this.d.radio(id);
      return {
        id,
        publicKey: r?.publicKey ?? null,
        state: r?.state ?? "unknown",
        radio: radioString(r?.params ?? null),
        noiseFloor: r?.stats?.noiseFloorDbm ?? null,
        txAirSecs: r?.stats?.txAirSecs ?? null,
        rxAirSecs: r?.stats?.rxAirSecs ?? null,
      };
    });
  }

  /** Stats, health and the HA state. Public so the daemon (and tests) can force one. */
  async tickStats(): Promise<Outgoing[]> {
    const { tick, radios, brokers } = this.tick();
    const out = await this.build("stats", tick);
    const up = radios().find((r) => r.state === "up") ?? radios()[0];
    this.latestHa = haStateMessage(this.d.gwTopic, {
      packets_per_minute: this.traffic.lastPerMinute,
      noise_floor: up?.noiseFloor ?? null,
      radio_state: up?.state ?? "none",
      outbox_depth: brokers().reduce((s, b) => s + b.depth, 0),
      nodes_heard: Math.max(this.nodeCount, this.heard.size),
    });
    this.d.publishHa([this.latestHa]);
    return out;
  }

  /** Node table and edges (skipped when the mesh model is not wired). */
  async tickGraph(): Promise<Outgoing[]> {
    if (this.ticking) return [];
    this.ticking = true;
    try {
      return await this.build("graph", this.tick().tick);
    } finally {
      this.ticking = false;
    }
  }

  /** Every registered summary of one interval, in registry order; a failing one is logged and skipped. */
  private async build(interval: SummaryDef["interval"], tick: SummaryTick): Promise<Outgoing[]> {
    const out: Outgoing[] = [];
    for (const def of SUMMARIES) {
      if (def.interval !== interval) continue;
      try {
        const msg = await def.build(tick);
        if (msg === null) continue;
        const topic = `meshgate/${this.d.gwTopic}/${def.topic}`;
        out.push({ topic, payload: JSON.stringify(msg), qos: 1, retain: true });
      } catch (err) {
        this.d.log.warn("summary failed", { topic: def.topic, err: errorMessage(err) });
      }
    }
    if (out.length > 0) this.emit(out);
    return out;
  }

  /** One tick's context: each part computed on first use, once. */
  private tick() {
    const now = this.d.now();
    const radios = once(() => this.radios());
    const brokers = once(() => this.d.brokers());
    const tick: SummaryTick = {
      now,
      options: this.d.options,
      port: this.d.summaries,
      radios,
      traffic: once(() => this.traffic.close(now)),
      health: once(() => ({
        ...this.d.gateway,
        version: this.d.version,
        startedAt: this.startedAt,
        radios: radios(),
        brokers: brokers(),
        outboxDropped: this.d.dropped(),
        extra: this.healthExtra(),
      })),
      changed: () => {
        const changed = [...this.changed].map(([key, change]) => ({ key, change }));
        this.changed = new Map();
        return changed;
      },
      nodeCount: (n) => {
        this.nodeCount = n;
      },
    };
    return { tick, radios, brokers };
  }

  private healthExtra(): Readonly<Record<string, string | number | boolean | null>> {
    try {
      return this.d.summaries?.health?.() ?? {};
    } catch (err) {
      this.d.log.warn("summary health port failed", { err: errorMessage(err) });
      return {};
    }
  }
}

function once<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}
