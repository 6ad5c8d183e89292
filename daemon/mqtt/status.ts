/** The per-broker state and counters `MqttUplink.status()` reports (for /api/health). */
import { redactUrl } from "../core/log.ts";
import type { ResolvedBroker } from "./config.ts";
import type { BrokerLink, LinkCounters, LinkState } from "./link.ts";

export interface BrokerStatus {
  readonly id: string;
  /** Same as id (the HTTP health/metrics code reads `name`). */
  readonly name: string;
  readonly connected: boolean;
  /** The URL with its user info and query values masked. */
  readonly url: string;
  readonly state: LinkState;
  /** ms epoch of the last state change. */
  readonly since: number;
  readonly connectedAt: number | null;
  readonly lastError: string | null;
  readonly feeds: readonly string[];
  /** Messages awaiting PUBACK now. */
  readonly inflight: number;
  /** Messages for this broker in the persistent outbox (polled). */
  readonly depth: number;
  /** Messages the outbox dropped (size/age bounds, all brokers). */
  readonly outboxDropped: number;
  readonly counters: Readonly<LinkCounters>;
}

export function brokerStatus(
  broker: ResolvedBroker,
  link: BrokerLink,
  depth: number,
  dropped: number,
): BrokerStatus {
  return {
    id: broker.id,
    name: broker.id,
    connected: link.state === "connected",
    url: redactUrl(broker.url),
    state: link.state,
    since: link.since,
    connectedAt: link.connectedAt,
    lastError: link.lastError === null ? null : redactUrl(link.lastError),
    feeds: [...broker.feeds],
    inflight: link.inflightCount,
    depth,
    outboxDropped: dropped,
    counters: { ...link.counters },
  };
}
