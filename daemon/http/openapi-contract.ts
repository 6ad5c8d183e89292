/**
 * Component schemas of the OpenAPI document for the contract's packet, node
 * and message shapes (./contract/). test/http/contract.test.ts holds each
 * one to its TypeScript type's field list, both ways.
 */

import { PAYLOAD_NAMES as PAYLOAD_TYPES, ROUTE_NAMES as ROUTES } from "../protocol/constants.ts";
import { ROLE_NAMES } from "../protocol/roles.ts";
import { nullable, type Obj, obj, ofType, ref } from "./openapi-blocks.ts";

const ms = (description = "ms since the epoch"): Obj => ({
  type: ["integer", "null"],
  description,
});
const KEY = { type: "string", pattern: "^[0-9A-F]{64}$" };
const ROLE = { type: "string", enum: [...ROLE_NAMES] };

export const contractSchemas: Obj = {
  SignalStats: obj({
    count: { type: "integer" },
    ...ofType("number", "mean", "min", "max", "last"),
    recent: { type: "number", description: "Decaying mean that follows changes" },
  }),
  ResolvedHop: obj({
    prefix: { type: "string", pattern: "^[0-9a-f]{2,6}$" },
    publicKey: { type: ["string", "null"], pattern: "^[0-9A-F]{64}$" },
    name: nullable("string"),
    confidence: { type: "number", minimum: 0, maximum: 1 },
  }),
  PathView: obj({
    hashSize: { type: "integer", minimum: 1, maximum: 3 },
    hops: { type: "array", items: { type: "string" } },
    resolved: { type: "array", items: ref("ResolvedHop") },
  }),
  PacketItem: obj({
    id: { type: "integer", description: "Observation id (monotonic)" },
    hash: { type: "string", pattern: "^[0-9a-f]{16}$" },
    raw: { type: "string", pattern: "^([0-9a-f]{2})*$" },
    receivedAt: { type: "string", format: "date-time" },
    radioId: { type: "string" },
    payloadType: { type: "string", enum: [...PAYLOAD_TYPES, "UNKNOWN"] },
    route: { type: "string", enum: [...ROUTES, "UNKNOWN"] },
    snr: nullable("number"),
    rssi: nullable("number"),
    hashSize: { type: "integer" },
    hops: { type: "array", items: { type: "string" } },
    firstSeen: { type: "boolean" },
    summary: { type: "string" },
    error: nullable("string"),
  }),
  ObservedPacket: {
    allOf: [ref("PacketItem"), obj({ path: ref("PathView") })],
  },
  Transmission: obj({
    ...ofType("string", "hash", "payloadType", "route", "summary"),
    firstHeardAt: { type: "string", format: "date-time" },
    lastHeardAt: { type: "string", format: "date-time" },
    observationCount: { type: "integer" },
    bestSnr: nullable("number"),
    bestRssi: nullable("number"),
    fewestHops: { type: "integer", minimum: 0 },
    path: ref("PathView"),
    observations: { type: "array", items: ref("PacketItem") },
  }),
  PacketDetail: {
    allOf: [
      ref("Transmission"),
      obj({
        decoded: { description: "The protocol decoder's JSON form of the packet, or null" },
        breakdown: { description: "Byte ranges with field names, or null" },
        decodeError: nullable("string"),
      }),
    ],
  },
  Node: obj({
    publicKey: KEY,
    name: nullable("string"),
    role: ROLE,
    status: { type: "string", enum: ["healthy", "degraded", "silent"] },
    lat: nullable("number"),
    lon: nullable("number"),
    firstHeard: ms("First stored hearing, ms since the epoch"),
    lastHeard: ms(),
    lastAdvert: ms(),
    advertCount: { type: "integer" },
    advertIntervalSec: nullable("integer"),
    fewestHops: nullable("integer"),
    direct: { type: "boolean" },
    snr: { oneOf: [ref("SignalStats"), { type: "null" }] },
    rssi: { oneOf: [ref("SignalStats"), { type: "null" }] },
    relayed: { type: "integer" },
    gateway: { type: "boolean", description: "The gateway's own radio" },
  }),
  LinkSignal: obj({
    snr: { oneOf: [ref("SignalStats"), { type: "null" }] },
    rssi: { oneOf: [ref("SignalStats"), { type: "null" }] },
  }),
  Neighbour: obj({
    publicKey: { type: ["string", "null"], pattern: "^[0-9A-F]{64}$" },
    prefix: nullable("string"),
    name: nullable("string"),
    role: ROLE,
    confidence: { type: "number" },
    sightings: { type: "integer" },
    firstHeard: { type: "integer" },
    lastHeard: { type: "integer" },
    heardByThis: { oneOf: [ref("LinkSignal"), { type: "null" }] },
    heardByNeighbour: { oneOf: [ref("LinkSignal"), { type: "null" }] },
    distanceKm: nullable("number"),
  }),
  AdvertSeen: obj({
    hash: { type: "string" },
    receivedAt: { type: "string", format: "date-time" },
    radioId: { type: "string" },
    snr: nullable("number"),
    rssi: nullable("number"),
    hops: { type: "array", items: { type: "string" } },
  }),
  NodeDetail: {
    allOf: [
      ref("Node"),
      obj({
        sensors: { type: ["object", "null"] },
        neighbours: { type: "array", items: ref("Neighbour") },
        sharesPrefixWith: {
          type: "array",
          items: obj({ bytes: { type: "integer" }, keys: { type: "array", items: KEY } }),
        },
        adverts: {
          type: "array",
          description: "Its own adverts, newest first",
          items: ref("AdvertSeen"),
        },
        snrHistory: {
          type: "array",
          items: obj({
            at: { type: "integer" },
            snr: nullable("number"),
            rssi: nullable("number"),
          }),
        },
        paths: {
          type: "array",
          description: "Distinct hop sequences its adverts arrived by, most used first",
          items: obj({
            hops: { type: "array", items: { type: "string" } },
            count: { type: "integer" },
            lastHeard: { type: "integer" },
          }),
        },
      }),
    ],
  },
  ChannelMessage: obj({
    id: { type: "integer" },
    ...ofType("string", "hash", "channel", "sender", "text"),
    receivedAt: { type: "string", format: "date-time" },
    senderTimestamp: { type: "integer", description: "The sender's clock: data, not a time index" },
    heard: { type: "integer", description: "Hearings of its transmission" },
    fewestHops: nullable("integer"),
    bestSnr: nullable("number"),
    senderKey: {
      type: ["string", "null"],
      description: "The sender's node when its name is unique",
    },
  }),
  GatewayIdentity: obj({
    name: nullable("string"),
    publicKey: nullable("string"),
    regions: { type: "array", items: { type: "string" } },
    actions: { type: "boolean", description: "Actions are enabled (an http.token is set)" },
  }),
};
