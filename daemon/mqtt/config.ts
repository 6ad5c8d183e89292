/**
 * One upstream broker's settings: the config file shape (`mqtt.brokers[]`),
 * its JSON-schema fragment, and the resolver that fills in defaults. The
 * config loader validates against the schema; `resolveBroker` re-checks the
 * few things the rest of this module relies on so a hand-built config cannot
 * slip a bad value past it.
 */
import { ConfigError } from "../core/errors.ts";

export type Feed = "packets" | "status" | "summaries" | "homeassistant";
export const FEEDS: readonly Feed[] = ["packets", "status", "summaries", "homeassistant"];

export type BrokerAuth =
  | { readonly type: "none" }
  | { readonly type: "password"; readonly username: string; readonly password: string }
  | {
      readonly type: "token";
      /** Radio whose node key signs the token (default: first radio with a key). */
      readonly radio?: string;
      /** `aud` claim; default the broker host name. */
      readonly audience?: string;
      readonly owner?: string;
      readonly email?: string;
      readonly ttlSec?: number;
      readonly renewBeforeSec?: number;
    };

export interface BrokerTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized?: boolean;
}

/** A broker as written in the config file (everything but id and url optional). */
export interface BrokerConfig {
  readonly id: string;
  readonly url: string;
  readonly enabled?: boolean;
  readonly tls?: BrokerTls;
  readonly auth?: BrokerAuth;
  readonly clientId?: string;
  readonly keepaliveSec?: number;
  readonly connectTimeoutSec?: number;
  readonly iata?: string;
  readonly topicPrefix?: string;
  readonly feeds?: readonly Feed[];
  /** Payload type names to publish on the packets feed; empty = all. */
  readonly packetTypes?: readonly string[];
  /** QoS 1 messages awaiting PUBACK at once. */
  readonly inflight?: number;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Seconds between status refreshes (stats) while connected. */
  readonly statusIntervalSec?: number;
  readonly homeassistantPrefix?: string;
}

/** A broker with every default applied. */
export interface ResolvedBroker {
  readonly id: string;
  readonly url: string;
  readonly protocol: "mqtt" | "mqtts" | "ws" | "wss";
  readonly host: string;
  readonly enabled: boolean;
  readonly tls: BrokerTls;
  readonly auth: BrokerAuth;
  readonly clientId: string;
  readonly keepaliveSec: number;
  readonly connectTimeoutSec: number;
  readonly iata: string;
  readonly topicPrefix: string;
  readonly feeds: ReadonlySet<Feed>;
  readonly packetTypes: ReadonlySet<string>;
  readonly inflight: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly statusIntervalSec: number;
  readonly homeassistantPrefix: string;
}

const ID_RE = /^[A-Za-z0-9_.-]{1,32}$/;
const IATA_RE = /^[A-Z]{3}$/;
/** A topic level we build into topics: no wildcards, separators or NULs. */
const TOPIC_PREFIX_RE = /^[^#+\u0000]{1,64}$/;

export function resolveBroker(
  b: BrokerConfig,
  gateway: { name: string; iata: string },
): ResolvedBroker {
  const problems: string[] = [];
  if (typeof b.id !== "string" || !ID_RE.test(b.id)) problems.push("id: 1-32 of A-Za-z0-9_.-");
  let url: URL | null = null;
  try {
    url = new URL(b.url);
  } catch {
    problems.push(`url: not a URL: ${String(b.url).slice(0, 80)}`);
  }
  const protocol = url?.protocol.replace(/:$/, "") ?? "";
  if (url && !["mqtt", "mqtts", "ws", "wss"].includes(protocol)) {
    problems.push(`url: scheme must be mqtt, mqtts, ws or wss, got ${protocol}`);
  }
  const iata = b.iata ?? gateway.iata;
  if (!IATA_RE.test(iata)) problems.push("iata: three capital letters");
  const topicPrefix = b.topicPrefix ?? "meshcore";
  if (!TOPIC_PREFIX_RE.test(topicPrefix)) problems.push("topicPrefix: 1-64 chars, no + or #");
  const feeds = new Set<Feed>(b.feeds ?? ["packets", "status"]);
  for (const f of feeds) if (!FEEDS.includes(f)) problems.push(`feeds: unknown feed ${String(f)}`);
  const auth: BrokerAuth = b.auth ?? { type: "none" };
  const inflight = b.inflight ?? 64;
  if (!Number.isInteger(inflight) || inflight < 1 || inflight > 1000)
    problems.push("inflight: 1..1000");
  if (problems.length > 0) {
    throw new ConfigError(`mqtt broker ${String(b.id)}: invalid`, problems);
  }
  const gw = gateway.name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32);
  return {
    id: b.id,
    url: b.url,
    protocol: protocol as ResolvedBroker["protocol"],
    host: url?.hostname ?? "",
    enabled: b.enabled ?? true,
    tls: b.tls ?? {},
    auth,
    clientId: b.clientId ?? `meshgate_${gw}_${b.id}`.slice(0, 64),
    keepaliveSec: b.keepaliveSec ?? 30,
    connectTimeoutSec: b.connectTimeoutSec ?? 15,
    iata,
    topicPrefix,
    feeds,
    packetTypes: new Set(b.packetTypes ?? []),
    inflight,
    backoffMinMs: b.backoffMinMs ?? 1000,
    backoffMaxMs: b.backoffMaxMs ?? 60_000,
    statusIntervalSec: b.statusIntervalSec ?? 300,
    homeassistantPrefix: b.homeassistantPrefix ?? "homeassistant",
  };
}
