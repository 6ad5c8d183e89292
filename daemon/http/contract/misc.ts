/** Channels and their messages, radios, MQTT. */
import type { RadioStatus } from "../../core/types.ts";
import type { CursorPage } from "./common.ts";

export type { RadioParams, RadioStats, RadioStatus } from "../../core/types.ts";

/**
 * Longest channel message text the gateway sends, in UTF-8 bytes. A GRP_TXT
 * payload is at most 184 bytes (protocol doc section 2): less the channel
 * hash (1) and MAC (2), the ciphertext is 11 whole AES blocks (176), and less
 * the timestamp (4) and flags (1) 171 bytes hold "<sender>: <text>". 140
 * leaves room for a sender name of up to 29 bytes. The API, the actions and
 * the UI all check against this one number.
 */
export const MAX_CHANNEL_TEXT_BYTES = 140;

export interface ChannelMessage {
  readonly id: number;
  readonly hash: string;
  readonly channel: string;
  readonly sender: string;
  readonly text: string;
  readonly receivedAt: string;
  /** The sender's clock (seconds): data, not a time index. */
  readonly senderTimestamp: number;
  /** Hearings of the message's transmission, fewest hops and best SNR over them. */
  readonly heard: number;
  readonly fewestHops: number | null;
  readonly bestSnr: number | null;
  /** The sender's key when exactly one known node has that name, else null. */
  readonly senderKey: string | null;
}

export interface ChannelSummary {
  readonly channel: string;
  readonly recentMessages: number;
  readonly lastMessage: ChannelMessage;
}

export interface ChannelList {
  readonly items: readonly ChannelSummary[];
  /** How many recent messages the summary looked at. */
  readonly sampled: number;
}

export type MessageList = CursorPage<ChannelMessage>;

export interface RadioList {
  /** False when no radios are wired (e.g. a read-only API over a store copy). */
  readonly available: boolean;
  readonly items: readonly RadioStatus[];
}

export interface MqttBroker {
  readonly name: string;
  readonly state: string;
  readonly connected: boolean;
  readonly lastError?: string | null;
  readonly counters?: Readonly<Record<string, number>>;
}

export interface MqttList {
  readonly available: boolean;
  readonly brokers: readonly MqttBroker[];
  /** The store's outbox statistics, or {error} when they could not be read. */
  readonly outbox: unknown;
}
