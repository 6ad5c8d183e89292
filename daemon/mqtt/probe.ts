/**
 * A cheap "is the broker back?" check while a link backs off: a bare TCP
 * handshake to the broker's port, closed at once. No TLS, no MQTT CONNECT:
 * a broker that stays down sees one SYN every few seconds, not a login.
 */
import { connect } from "node:net";
import type { ResolvedBroker } from "./config.ts";

const DEFAULT_PORTS = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 } as const;

/** The TCP endpoint a broker URL connects to. */
export function brokerEndpoint(broker: ResolvedBroker): { host: string; port: number } {
  let port: number = DEFAULT_PORTS[broker.protocol];
  try {
    const p = new URL(broker.url).port;
    if (p) port = Number(p);
  } catch {
    // resolveBroker already refused a bad URL; keep the default.
  }
  // URL keeps IPv6 literals in brackets; net.connect wants them bare.
  return { host: broker.host.replace(/^\[(.*)\]$/, "$1"), port };
}

/** Resolves true when a TCP connection to host:port opens within timeoutMs. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}
