/**
 * Shared data shapes that cross layer boundaries. Everything here is plain,
 * immutable data: no classes, no I/O.
 */

/** One hearing of one on-air packet by one of the gateway's radios. */
export interface RxPacket {
  readonly radioId: string;
  /** The whole on-air packet, header first. */
  readonly raw: Uint8Array;
  /** dB, null when the firmware did not report it. */
  readonly snr: number | null;
  /** dBm, null when the firmware did not report it. */
  readonly rssi: number | null;
  /** Gateway receive time, ms since the epoch (never the sender's clock). */
  readonly at: number;
}

/**
 * Radio driver kinds, in the order docs and help list them. The name list
 * lives here (the lowest layer) so config, HTTP and the simulator can name
 * drivers without importing them; radio/drivers.ts maps each to its session.
 */
export const DRIVER_KINDS = ["companion", "kiss", "repeater-log"] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];
/** A radio's driver in its status; "simulator" is the built-in mesh simulator. */
export type RadioDriverKind = DriverKind | "simulator";
export type RadioState = "connecting" | "handshaking" | "up" | "backoff" | "stopped";

export interface RadioParams {
  readonly freqMHz: number;
  readonly bwKHz: number;
  readonly sf: number;
  readonly cr: number;
  readonly txPowerDbm?: number;
}

/** What a radio link reports about itself; published on the bus as `radio`. */
export interface RadioStatus {
  readonly id: string;
  readonly driver: RadioDriverKind;
  readonly state: RadioState;
  readonly since: number;
  readonly lastError: string | null;
  /** Upper-case hex public key of the radio's own node identity, when known. */
  readonly publicKey: string | null;
  readonly name: string | null;
  /** The radio's own position setting (companion SELF_INFO), degrees; null or absent when unknown. */
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly params: RadioParams | null;
  readonly model: string | null;
  readonly firmware: string | null;
  /** Clock skew of the radio vs the host in seconds, when known. */
  readonly clockSkewSec: number | null;
  readonly stats: RadioStats | null;
  readonly counters: Readonly<Record<string, number>>;
}

export interface RadioStats {
  readonly noiseFloorDbm: number | null;
  readonly txAirSecs: number | null;
  readonly rxAirSecs: number | null;
  readonly batteryMv: number | null;
  readonly uptimeSecs: number | null;
  readonly recvErrors: number | null;
  readonly queueLen: number | null;
}

/** One observation handed to the store by ingest (already decoded). */
export interface ObservationInput {
  /** Firmware packet hash, 16 lower hex (transmission identity). */
  readonly hash: string;
  readonly raw: Uint8Array;
  readonly radioId: string;
  /** Gateway receive time, ms epoch. */
  readonly at: number;
  readonly snr: number | null;
  readonly rssi: number | null;
  /** Header fields; -1 when the packet did not decode that far. */
  readonly payloadType: number;
  readonly route: number;
  readonly version: number;
  readonly hashSize: number;
  /** Path hops, lower hex each (TRACE: the SNR bytes, hex). */
  readonly hops: readonly string[];
  /** Decode error code or null. */
  readonly error: string | null;
  /** One-line summary for lists. */
  readonly summary: string;
  /** Optional structured extras, kept as JSON text on the transmission. */
  readonly decoded?: unknown;
  /** Set for a decrypted channel message (stored in channel messages). */
  readonly channelMessage?: ChannelMessageInput;
  /** Set for a verified advert (upserts the node). */
  readonly advert?: AdvertInput;
}

export interface ChannelMessageInput {
  readonly channel: string;
  readonly sender: string;
  readonly text: string;
  /** Sender's timestamp (seconds), kept as data only. */
  readonly senderTimestamp: number;
}

export interface AdvertInput {
  /** Upper-case hex. */
  readonly publicKey: string;
  readonly name: string | null;
  /** 1 chat, 2 repeater, 3 room, 4 sensor. */
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
  /** Advert's own timestamp (seconds), data only. */
  readonly advertTimestamp: number;
  readonly extras?: Readonly<Record<string, unknown>>;
}

/**
 * An observation the store has accepted: the domain record the bus carries as
 * `packet` (bytes, numbers, ids). HTTP, WebSocket and MQTT format it at their
 * edge; the mesh model reads it as is.
 */
export interface StoredPacket extends ObservationInput {
  /** Observation id in the store (monotonic). */
  readonly id: number;
  /** True when this is the first hearing of the transmission. */
  readonly firstSeen: boolean;
}

/**
 * The API and WebSocket shape of one observation (contract: GET /api/packets
 * items and `/ws` {type:"packet"} messages). Extend, never rename.
 */
export interface PacketItem {
  /** Observation id in the store (monotonic). */
  readonly id: number;
  /** Firmware packet hash, 16 lower-hex chars. */
  readonly hash: string;
  /** Whole packet, lower hex. */
  readonly raw: string;
  /** ISO-8601 UTC gateway receive time. */
  readonly receivedAt: string;
  readonly radioId: string;
  /** Payload type name, e.g. "ADVERT", "GRP_TXT"; "UNKNOWN" if undecodable. */
  readonly payloadType: string;
  /** Route name: "TRANSPORT_FLOOD" | "FLOOD" | "DIRECT" | "TRANSPORT_DIRECT". */
  readonly route: string;
  readonly snr: number | null;
  readonly rssi: number | null;
  /** Path hash size in bytes (1..3) and the hops as lower hex. */
  readonly hashSize: number;
  readonly hops: readonly string[];
  /** True when this is the first hearing of the transmission. */
  readonly firstSeen: boolean;
  /** A one-line human summary ("advert from X", "#test: hello"). */
  readonly summary: string;
  /** Decode error code when the packet did not decode, else null. */
  readonly error: string | null;
}
