/**
 * The codec as the daemon wires it: a decoder built once from the config
 * section (channels, public channel, regions) that counts what it sees, so
 * bad input is visible in health output instead of silently dropped. Holds no
 * I/O and no timers, so there is nothing to start or stop.
 */
import { channelKeysFromConfig } from "./channels.ts";
import { decodePacket } from "./decode.ts";
import type { DecodeContext, DecodeResult } from "./types.ts";

export interface DecoderConfig {
  /** `{name: "#tag"}` or `{name, key: hex}`; see channelKeysFromConfig. */
  readonly channels?: readonly { name: string; key?: string }[];
  /** Decrypt the well-known public channel (default true). */
  readonly publicChannel?: boolean;
  /** Region names matched against transport scope codes. */
  readonly regions?: readonly string[];
  /** Verify advert signatures (default true). */
  readonly verifySignatures?: boolean;
}

export interface DecoderCounters {
  decoded: number;
  /** Failures by error code (E_PATH_RESERVED, E_PAYLOAD_SHORT, ...). */
  errors: Record<string, number>;
  decrypted: number;
  badSignatures: number;
  unsupportedVersion: number;
}

export interface PacketDecoder {
  readonly context: DecodeContext;
  decode(raw: Uint8Array): DecodeResult;
  /** A snapshot of the counters since creation. */
  counters(): DecoderCounters;
}

/** Throws ConfigError (from channelKeysFromConfig) on bad channel keys. */
export function createDecoder(config: DecoderConfig = {}): PacketDecoder {
  const context: DecodeContext = {
    channels: channelKeysFromConfig(config.channels ?? [], config.publicChannel ?? true),
    regions: [...(config.regions ?? [])],
    verifySignatures: config.verifySignatures ?? true,
  };
  const c: DecoderCounters = {
    decoded: 0,
    errors: {},
    decrypted: 0,
    badSignatures: 0,
    unsupportedVersion: 0,
  };
  return {
    context,
    decode(raw) {
      const r = decodePacket(raw, context);
      if (!r.ok) {
        c.errors[r.error.code] = (c.errors[r.error.code] ?? 0) + 1;
        return r;
      }
      c.decoded++;
      const b = r.packet.body;
      if ((b.kind === "GRP_TXT" || b.kind === "GRP_DATA") && b.decrypted) c.decrypted++;
      else if (b.kind === "ADVERT" && b.signatureValid === false) c.badSignatures++;
      else if (b.kind === "UNSUPPORTED_VERSION") c.unsupportedVersion++;
      return r;
    },
    counters: () => ({ ...c, errors: { ...c.errors } }),
  };
}
