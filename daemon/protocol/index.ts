/** Public surface of the protocol codec: pure functions, no I/O. */
export { type AirtimeParams, airtimeMs } from "./airtime.ts";
export { type ByteRange, breakdown } from "./breakdown.ts";
export {
  channelIndex,
  channelKey,
  channelKeysFromConfig,
  hashtagChannel,
  PUBLIC_CHANNEL_NAME,
  publicChannel,
} from "./channels.ts";
export * from "./constants.ts";
export * from "./crypto.ts";
export { decodePacket } from "./decode.ts";
export * from "./encode.ts";
export { PacketEncodeError } from "./errors.ts";
export { packetHash, packetHashOf } from "./hash.ts";
export { clean, hops, MAX_SUMMARY, routeHops, summarize, toJson } from "./json.ts";
export * from "./types.ts";
