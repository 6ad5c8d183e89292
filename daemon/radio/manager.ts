/**
 * All radios of one daemon. Each gets its own Link (own id, identity,
 * connection, backoff); they share only the bus and the logger.
 */
import type { Bus } from "../core/bus.ts";
import { ConfigError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { RadioStatus } from "../core/types.ts";
import type { BackoffOptions } from "./backoff.ts";
import { systemdSyncProbe, trustedHostTime } from "./clock.ts";
import { createSession } from "./drivers.ts";
import { Link } from "./link.ts";
import type { GatewayIdentity, RadioConfig, RadioLink } from "./types.ts";

export interface RadioManagerDeps {
  readonly radios: readonly RadioConfig[];
  readonly bus: Bus;
  readonly log: Logger;
  readonly now?: () => number;
  /** Whether the host clock is NTP-synced (null: unknown). Default: systemd-timesyncd's flag file. */
  readonly clockSynced?: () => boolean | null;
  /** Name (and position) for packets meshgate signs itself via a KISS modem. */
  readonly gateway?: GatewayIdentity;
  readonly backoff?: BackoffOptions;
  readonly pollIntervalMs?: number;
}

export class RadioManager {
  readonly name = "radio";
  private readonly links = new Map<string, Link>();

  constructor(deps: RadioManagerDeps) {
    const now = deps.now ?? Date.now;
    const synced = deps.clockSynced ?? systemdSyncProbe;
    for (const config of deps.radios) {
      if (this.links.has(config.id)) throw new ConfigError(`radio id ${config.id} is used twice`);
      if (!config.serial === !config.tcp) {
        throw new ConfigError(`radio ${config.id}: give exactly one of serial or tcp`);
      }
      this.links.set(
        config.id,
        new Link({
          config,
          bus: deps.bus,
          log: deps.log.child(config.id),
          now,
          createSession,
          trustedClock: () => trustedHostTime(now(), synced()),
          gateway: deps.gateway,
          backoff: deps.backoff,
          pollIntervalMs: deps.pollIntervalMs,
        }),
      );
    }
  }

  async start(): Promise<void> {
    for (const l of this.links.values()) l.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.stop()));
  }

  list(): RadioStatus[] {
    return [...this.links.values()].map((l) => l.status());
  }

  get(id: string): RadioLink | undefined {
    return this.links.get(id);
  }
}
