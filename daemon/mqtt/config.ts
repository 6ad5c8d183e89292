/**
 * One upstream broker's settings: the config file shape (`mqtt.brokers[]`),
 * its JSON-schema fragment, and the resolver that fills in defaults. The
 * config loader validates against the schema; `resolveBroker` re-checks the
 * few things the rest of this module relies on so a hand-built config cannot
 * slip a bad value past it.
 */
import { ConfigError } from "../core/errors.ts";
import { applyDefaults, type SchemaInput } from "../core/schema-type.ts";
import { BROKER_ITEM_SCHEMA } from "./config-schema.ts";

/** A broker as written in the config file (mqtt/config-schema.ts; defaults optional). */
export type BrokerConfig = SchemaInput<typeof BROKER_ITEM_SCHEMA>;
export type BrokerAuth = NonNullable<BrokerConfig["auth"]>;
export type BrokerTls = NonNullable<BrokerConfig["tls"]>;
export type Feed = NonNullable<BrokerConfig["feeds"]>[number];
export const FEEDS: readonly Feed[] = BROKER_ITEM_SCHEMA.properties.feeds.items.enum;

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
  input: BrokerConfig,
  gateway: { name: string; iata: string },
): ResolvedBroker {
  const b = applyDefaults(BROKER_ITEM_SCHEMA, input);
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
  const topicPrefix = b.topicPrefix;
  if (!TOPIC_PREFIX_RE.test(topicPrefix)) problems.push("topicPrefix: 1-64 chars, no + or #");
  const feeds = new Set<Feed>(b.feeds);
  for (const f of feeds) if (!FEEDS.includes(f)) problems.push(`feeds: unknown feed ${String(f)}`);
  const auth: BrokerAuth = b.auth ?? { type: "none" };
  const inflight = b.inflight;
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
    enabled: b.enabled,
    tls: b.tls ?? {},
    auth,
    clientId: b.clientId ?? `meshgate_${gw}_${b.id}`.slice(0, 64),
    keepaliveSec: b.keepaliveSec,
    connectTimeoutSec: b.connectTimeoutSec,
    iata,
    topicPrefix,
    feeds,
    packetTypes: new Set(b.packetTypes),
    inflight,
    backoffMinMs: b.backoffMinMs,
    backoffMaxMs: b.backoffMaxMs,
    statusIntervalSec: b.statusIntervalSec,
    homeassistantPrefix: b.homeassistantPrefix,
  };
}
