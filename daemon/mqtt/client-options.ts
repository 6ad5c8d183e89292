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

/** Reads the TLS files now, so a missing file is this attempt's error. */
export function clientOptions(broker: ResolvedBroker, session: Credentials): IClientOptions {
  const t = broker.tls;
  const opts: IClientOptions = {
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
