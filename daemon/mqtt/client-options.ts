/**
 * mqtt.js options for one connection attempt. Its own reconnect is off
 * (reconnectPeriod 0) and the session clean: the persistent outbox, not
 * mqtt.js memory, holds what is unsent, and the link reconnects itself.
 */
import { readFileSync } from "node:fs";
import type { IClientOptions } from "mqtt";
import type { ResolvedBroker } from "./config.ts";
import type { Outgoing } from "./format.ts";

export interface Credentials {
  readonly will?: Outgoing;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Options every mqtt.js client of the daemon sets (broker links and the
 * settings page's broker test). writeCache false: on its first write
 * mqtt-packet otherwise fills a cache of one 2-byte Buffer for each of the
 * 65,536 packet ids, held in the main thread's heap for the process's life
 * to save making one small buffer per packet (docs/storage.md, Memory).
 */
export const CLIENT_DEFAULTS = { writeCache: false } as const satisfies IClientOptions;

/** Reads the TLS files now, so a missing file is this attempt's error. */
export function clientOptions(broker: ResolvedBroker, session: Credentials): IClientOptions {
  const t = broker.tls;
  const opts: IClientOptions = {
    ...CLIENT_DEFAULTS,
    clientId: broker.clientId,
    keepalive: broker.keepaliveSec,
    connectTimeout: broker.connectTimeoutSec * 1000,
    reconnectPeriod: 0,
    clean: true,
    protocolVersion: 4,
  };
  if (t.ca) opts.ca = readFileSync(t.ca);
  if (t.cert) opts.cert = readFileSync(t.cert);
  if (t.key) opts.key = readFileSync(t.key);
  if (t.rejectUnauthorized !== undefined) opts.rejectUnauthorized = t.rejectUnauthorized;
  if (session.username !== undefined) opts.username = session.username;
  if (session.password !== undefined) opts.password = session.password;
  if (session.will) {
    opts.will = {
      topic: session.will.topic,
      payload: Buffer.from(session.will.payload),
      qos: session.will.qos,
      retain: session.will.retain,
    };
  }
  return opts;
}
