/**
 * Packets: one observation (a hearing by one radio), transmissions grouped
 * by packet hash, the detail page's answer, and the resolved path.
 * Times of observations are ISO-8601 strings (`receivedAt`).
 */
import type { PacketItem } from "../../core/types.ts";
import type { CursorPage } from "./common.ts";

export type { PacketItem } from "../../core/types.ts";

/** One path hop as the mesh model resolves it to a node. */
export interface ResolvedHop {
  /** The hop as heard, lower hex (1-3 bytes). */
  readonly prefix: string;
  /** Upper-hex key of the node the model pins the hop to; null when unresolved. */
  readonly publicKey: string | null;
  /** That node's advertised name (null when unresolved or unnamed). */
  readonly name: string | null;
  /** 0..1: how sure the model is (0 when unresolved). */
  readonly confidence: number;
}

export interface PathView {
  /** Bytes per hop (1..3). */
  readonly hashSize: number;
  /** Hops as heard, lower hex, first relay first. */
  readonly hops: readonly string[];
  /** One entry per hop, same order; empty hops when no mesh model is wired. */
  readonly resolved: readonly ResolvedHop[];
}

/** An observation with its resolved path: GET /api/packets items and `/ws` packet messages. */
export interface ObservedPacket extends PacketItem {
  readonly path: PathView;
}

/** Every hearing of one transmission (one packet hash), oldest first. */
export interface TransmissionGroup {
  readonly hash: string;
  readonly payloadType: string;
  readonly route: string;
  readonly summary: string;
  readonly firstHeardAt: string;
  readonly lastHeardAt: string;
  /** How many times the gateway heard it (relayed copies included). */
  readonly observationCount: number;
  /** Best SNR / RSSI over the hearings, null when no radio reported one. */
  readonly bestSnr: number | null;
  readonly bestRssi: number | null;
  /** Fewest hops over the hearings (0 = heard directly from the sender). */
  readonly fewestHops: number;
  /** The path of the hearing with the fewest hops, resolved. */
  readonly path: PathView;
  readonly observations: readonly PacketItem[];
}

export type PacketList = CursorPage<ObservedPacket>;
export type TransmissionList = CursorPage<TransmissionGroup>;

export interface PacketDetail extends TransmissionGroup {
  /** The protocol decoder's JSON form of the packet, or null. */
  readonly decoded: unknown;
  /** Byte ranges with field names, or null. */
  readonly breakdown: unknown;
  readonly decodeError: string | null;
}

export type DecodeResult =
  | {
      readonly ok: true;
      readonly packet: unknown;
      readonly breakdown: unknown;
      readonly error: null;
    }
  | {
      readonly ok: false;
      readonly packet: null;
      readonly breakdown: unknown;
      readonly error: string;
    };
