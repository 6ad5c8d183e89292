/**
 * The driver registry: one entry per radio firmware meshgate talks to, from
 * driver kind to its session factory and what it can do. The config schema's
 * `driver` enum, the CLI help and the table in docs/radios.md follow from it
 * (test/radio/drivers.test.ts checks the schema and the docs); the
 * simulator's firmware for each kind is sim/firmware/serve.ts FIRMWARES,
 * typed by the same kinds so a missing one fails the type check.
 */
import type { DriverKind } from "../core/types.ts";
import { CompanionSession } from "./companion/driver.ts";
import { KissSession } from "./kiss/driver.ts";
import { RepeaterLogSession } from "./replog/driver.ts";
import type { DriverSession, SessionContext } from "./types.ts";

export interface DriverCapabilities {
  /** Sends channel messages (GRP_TXT) through the radio. */
  readonly channelMessages: boolean;
  /** Transmits any raw packet meshgate builds (adverts it signs itself, channel messages). */
  readonly rawPackets: boolean;
  /** Can sign with the radio's identity when `allowKeyExport` is set (MQTT token auth). */
  readonly keyExport: boolean;
  /** Forgets its radio settings: `params` are pushed on every connect. */
  readonly pushesParams: boolean;
}

export interface DriverEntry {
  /** The firmware as operators know it (docs table, `doctor`). */
  readonly firmware: string;
  readonly create: (ctx: SessionContext) => DriverSession;
  readonly capabilities: DriverCapabilities;
}

export const DRIVERS: Readonly<Record<DriverKind, DriverEntry>> = {
  companion: {
    firmware: "Companion radio",
    create: (ctx) => new CompanionSession(ctx),
    capabilities: {
      channelMessages: true,
      rawPackets: false,
      keyExport: true,
      pushesParams: false,
    },
  },
  kiss: {
    firmware: "KISS modem",
    create: (ctx) => new KissSession(ctx),
    capabilities: { channelMessages: true, rawPackets: true, keyExport: true, pushesParams: true },
  },
  "repeater-log": {
    firmware: "Repeater with packet logging",
    create: (ctx) => new RepeaterLogSession(ctx),
    capabilities: {
      channelMessages: false,
      rawPackets: false,
      keyExport: false,
      pushesParams: false,
    },
  },
};

export function createSession(ctx: SessionContext): DriverSession {
  return DRIVERS[ctx.config.driver].create(ctx);
}
