/**
 * Decoded packet shapes: plain immutable data, one union member per payload
 * type (`kind`). Byte fields are views into the decoded buffer (no copies), so
 * callers must not mutate a buffer after decoding it.
 */

/** A channel the gateway can decrypt. `hash` is SHA-256(key)[0]. */
export interface ChannelKey {
  readonly name: string;
  readonly key: Uint8Array;
  readonly hash: number;
}

export interface DecodeContext {
  readonly channels: readonly ChannelKey[];
  /** Region names ("#sf" or "sf") whose scope codes are matched on transport routes. */
  readonly regions?: readonly string[];
  /** Verify advert signatures (default true). */
  readonly verifySignatures?: boolean;
}

export interface AdvertPayload {
  readonly kind: "ADVERT";
  readonly publicKey: Uint8Array;
  readonly timestamp: number;
  readonly signature: Uint8Array;
  /** The app data the firmware parses and signs (at most 32 bytes). */
  readonly appData: Uint8Array;
  readonly flags: number;
  /** Low nibble of flags: 1 chat, 2 repeater, 3 room, 4 sensor. */
  readonly role: number;
  readonly roleName: string;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly feature1: number | null;
  readonly feature2: number | null;
  readonly name: string | null;
  /** null when verification was not asked for. */
  readonly signatureValid: boolean | null;
  /**
   * False when the flags announce fields the app data is too short for
   * (AdvertDataParser::isValid; the firmware then ignores the advert's data).
   */
  readonly appDataValid: boolean;
  /** Bytes beyond the 32 the firmware reads (it ignores them, and so do we). */
  readonly ignoredBytes: number;
}

export interface PeerPayload {
  readonly kind: "REQ" | "RESPONSE" | "TXT_MSG" | "PATH";
  readonly destHash: number;
  readonly srcHash: number;
  readonly mac: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface AckPayload {
  readonly kind: "ACK";
  readonly ack: number;
  /** v1.16+ extra bytes (attempt, random); empty before. */
  readonly extra: Uint8Array;
}

export interface AnonReqPayload {
  readonly kind: "ANON_REQ";
  readonly destHash: number;
  readonly senderPublicKey: Uint8Array;
  readonly mac: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface GroupText {
  readonly channel: string;
  readonly timestamp: number;
  /** Text type byte (0 plain); the firmware drops values above 3. */
  readonly textType: number;
  readonly sender: string | null;
  readonly text: string;
}

export interface GroupData {
  readonly channel: string;
  readonly dataType: number;
  readonly data: Uint8Array;
  /** Declared length exceeded the plaintext (the firmware drops these). */
  readonly truncated: boolean;
}

export interface GroupTextPayload {
  readonly kind: "GRP_TXT";
  readonly channelHash: number;
  readonly mac: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly decrypted: GroupText | null;
}

export interface GroupDataPayload {
  readonly kind: "GRP_DATA";
  readonly channelHash: number;
  readonly mac: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly decrypted: GroupData | null;
}

export interface TracePayload {
  readonly kind: "TRACE";
  readonly tag: number;
  readonly authCode: number;
  readonly flags: number;
  /** 1 << (flags & 3) bytes per route hash. */
  readonly routeHashSize: number;
  readonly routeHashes: Uint8Array;
  /** The header path bytes as dB (int8 / 4): one per hop that forwarded it. */
  readonly snrs: readonly number[];
}

export interface MultipartPayload {
  readonly kind: "MULTIPART";
  readonly remaining: number;
  readonly innerType: number;
  readonly inner: Uint8Array;
  /** The ack checksum when the inner type is ACK, else null. */
  readonly ack: number | null;
}

export interface DiscoverReq {
  readonly type: "DISCOVER_REQ";
  readonly prefixOnly: boolean;
  readonly typeFilter: number;
  readonly tag: number;
  readonly since: number | null;
}

export interface DiscoverResp {
  readonly type: "DISCOVER_RESP";
  readonly nodeType: number;
  readonly snr: number;
  readonly tag: number;
  /** 32-byte key, or an 8-byte prefix. */
  readonly publicKey: Uint8Array;
}

export interface ControlPayload {
  readonly kind: "CONTROL";
  /** High nibble of byte 0 (0x80 discover req, 0x90 discover resp). */
  readonly subType: number;
  readonly control: DiscoverReq | DiscoverResp | null;
  readonly data: Uint8Array;
}

export interface OpaquePayload {
  /** RAW_CUSTOM, reserved types C-E, or a version the firmware would drop. */
  readonly kind: "RAW_CUSTOM" | "RESERVED" | "UNSUPPORTED_VERSION";
  readonly data: Uint8Array;
}

export type Payload =
  | AdvertPayload
  | PeerPayload
  | AckPayload
  | AnonReqPayload
  | GroupTextPayload
  | GroupDataPayload
  | TracePayload
  | MultipartPayload
  | ControlPayload
  | OpaquePayload;

export interface DecodedPacket {
  /** Whole packet length in bytes. */
  readonly length: number;
  readonly header: number;
  readonly route: number;
  readonly payloadType: number;
  readonly version: number;
  readonly transportCodes: readonly [number, number] | null;
  /** Name of the configured region whose scope code matched transportCodes[0]. */
  readonly region: string | null;
  readonly pathLenByte: number;
  readonly hashSize: number;
  readonly hopCount: number;
  /** hopCount * hashSize bytes (for TRACE: SNR bytes). */
  readonly path: Uint8Array;
  readonly payloadOffset: number;
  readonly payload: Uint8Array;
  /** Firmware packet hash, 16 lower hex. */
  readonly hash: string;
  readonly body: Payload;
}

export type DecodeErrorCode =
  | "E_EMPTY"
  | "E_TRUNCATED_HEADER"
  | "E_TOO_LONG"
  | "E_PATH_RESERVED"
  | "E_PATH_TOO_LONG"
  | "E_PATH_TRUNCATED"
  | "E_NO_PAYLOAD"
  | "E_PAYLOAD_TOO_LONG"
  | "E_PAYLOAD_SHORT";

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly message: string;
  /** Byte offset in the packet where decoding stopped. */
  readonly offset: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly packet: DecodedPacket }
  | { readonly ok: false; readonly error: DecodeError; readonly partial: Partial<DecodedPacket> };
