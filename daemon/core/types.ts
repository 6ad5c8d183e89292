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

export type RadioDriverKind = "companion" | "kiss" | "repeater-log" | "simulator";
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
