import type { Logger } from "../core/log.ts";
import type { FromSchema, SchemaInput } from "../core/schema-type.ts";
import type { RadioDriverKind, RadioParams, RadioStats } from "../core/types.ts";
import type { RADIO_SCHEMA } from "./config-schema.ts";

/** Stats before the radio reported any. */
export const EMPTY_STATS: RadioStats = {
  noiseFloorDbm: null,
  txAirSecs: null,
  rxAirSecs: null,
  batteryMv: null,
  uptimeSecs: null,
  recvErrors: null,
  queueLen: null,
};

/** One entry of `radios[]` as written (radio/config-schema.ts; defaults optional). */
export type RadioConfig = SchemaInput<typeof RADIO_SCHEMA>;
/** The same with every default applied: what a link and its sessions work with. */
export type RadioSettings = FromSchema<typeof RADIO_SCHEMA>;

export interface ChannelRef {
  readonly index?: number;
  readonly name: string;
  /** 16-byte (or 32-byte) channel secret. */
  readonly key: Uint8Array;
}

/** What the rest of the daemon can do with one radio. */
export interface RadioLink {
  readonly id: string;
  status(): import("../core/types.ts").RadioStatus;
  sendAdvert(flood: boolean): Promise<void>;
  sendChannelMessage(channel: ChannelRef, text: string): Promise<void>;
  setParams(p: RadioParams): Promise<void>;
  /** Ed25519 signing with the radio's identity, for MQTT token auth; null unless allowKeyExport. */
  signer(): ((msg: Uint8Array) => Promise<Uint8Array>) | null;
  /**
   * The gateway's name or position changed (a live setting): used from now
   * on, and pushed to the radio when its driver can set them.
   */
  setGateway?(g: GatewayIdentity): Promise<void>;
}

/** A status patch a driver reports about its radio. */
export interface Identity {
  readonly publicKey?: string | null;
  readonly name?: string | null;
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly params?: RadioParams | null;
  readonly model?: string | null;
  readonly firmware?: string | null;
  readonly clockSkewSec?: number | null;
  readonly stats?: RadioStats | null;
}

export interface GatewayIdentity {
  readonly name: string;
  readonly lat?: number | null;
  readonly lon?: number | null;
}

/** What a link gives the driver session for one open connection. */
export interface SessionContext {
  readonly config: RadioSettings;
  readonly log: Logger;
  readonly commandTimeoutMs: number;
  write(bytes: Uint8Array): void;
  /** A packet heard on air; the link stamps radioId and receive time. */
  rx(raw: Uint8Array, snr: number | null, rssi: number | null): void;
  identity(patch: Identity): void;
  count(name: string, by?: number): void;
  now(): number;
  /** Who we are on air, for packets meshgate builds itself (KISS adverts, channel text). */
  readonly gateway: GatewayIdentity;
  /** The host clock, if trusted enough to set a radio's clock. */
  trustedClock(): number | null;
}

/**
 * One driver's state for one open connection. Created per connection, so a
 * reconnect always starts from a clean parser and command queue.
 */
export interface DriverSession {
  readonly kind: RadioDriverKind;
  onBytes(chunk: Uint8Array): void;
  /** Identify the radio and set it up; rejects when it does not answer. */
  handshake(): Promise<void>;
  /** Refresh stats; also keeps a healthy radio talking for the watchdog. */
  poll(): Promise<void>;
  sendAdvert(flood: boolean): Promise<void>;
  sendChannelMessage(channel: ChannelRef, text: string): Promise<void>;
  setParams(p: RadioParams): Promise<void>;
  /** Present when the radio keeps its own advert name and position (companion firmware). */
  setIdentity?: (g: GatewayIdentity) => Promise<void>;
  /** Present when the firmware can sign and the config allows it. */
  sign?: (msg: Uint8Array) => Promise<Uint8Array>;
  /** Framing counters to merge into the status. */
  framingCounters(): Record<string, number>;
  close(err: Error): void;
}
