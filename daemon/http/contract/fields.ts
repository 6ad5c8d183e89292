/**
 * Field lists of the contract's types, checked by the compiler to name every
 * field and nothing else, so a test can hold the OpenAPI schemas to the
 * types at run time (test/http/contract.test.ts). Not imported by the UI.
 */
import type { SignalStats } from "./common.ts";
import type { GatewayIdentity } from "./health.ts";
import type { ChannelMessage } from "./misc.ts";
import type { AdvertSeen, LinkSignal, Neighbour, NodeDetail, NodeSummary } from "./nodes.ts";
import type {
  ObservedPacket,
  PacketDetail,
  PacketItem,
  PathView,
  ResolvedHop,
  TransmissionGroup,
} from "./packets.ts";

/** Every key of T, each exactly once (an extra or a missing key fails to compile). */
const fields = <T>(o: { readonly [K in keyof Required<T>]: true }): string[] => Object.keys(o);

const packetItem = fields<PacketItem>({
  id: true,
  hash: true,
  raw: true,
  receivedAt: true,
  radioId: true,
  payloadType: true,
  route: true,
  snr: true,
  rssi: true,
  hashSize: true,
  hops: true,
  firstSeen: true,
  summary: true,
  error: true,
});

const transmission = fields<TransmissionGroup>({
  hash: true,
  payloadType: true,
  route: true,
  summary: true,
  firstHeardAt: true,
  lastHeardAt: true,
  observationCount: true,
  bestSnr: true,
  bestRssi: true,
  fewestHops: true,
  path: true,
  observations: true,
});

const node = fields<NodeSummary>({
  publicKey: true,
  name: true,
  role: true,
  status: true,
  lat: true,
  lon: true,
  firstHeard: true,
  lastHeard: true,
  lastAdvert: true,
  advertCount: true,
  advertIntervalSec: true,
  fewestHops: true,
  direct: true,
  snr: true,
  rssi: true,
  relayed: true,
  gateway: true,
});

/** OpenAPI component schema name -> the fields of its contract type. */
export const CONTRACT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  SignalStats: fields<SignalStats>({
    count: true,
    mean: true,
    min: true,
    max: true,
    last: true,
    recent: true,
  }),
  ResolvedHop: fields<ResolvedHop>({ prefix: true, publicKey: true, name: true, confidence: true }),
  PathView: fields<PathView>({ hashSize: true, hops: true, resolved: true }),
  PacketItem: packetItem,
  ObservedPacket: [
    ...packetItem,
    ...fields<Omit<ObservedPacket, keyof PacketItem>>({ path: true }),
  ],
  Transmission: transmission,
  PacketDetail: [
    ...transmission,
    ...fields<Omit<PacketDetail, keyof TransmissionGroup>>({
      decoded: true,
      breakdown: true,
      decodeError: true,
    }),
  ],
  Node: node,
  LinkSignal: fields<LinkSignal>({ snr: true, rssi: true }),
  Neighbour: fields<Neighbour>({
    publicKey: true,
    prefix: true,
    name: true,
    role: true,
    confidence: true,
    sightings: true,
    firstHeard: true,
    lastHeard: true,
    heardByThis: true,
    heardByNeighbour: true,
    distanceKm: true,
  }),
  AdvertSeen: fields<AdvertSeen>({
    hash: true,
    receivedAt: true,
    radioId: true,
    snr: true,
    rssi: true,
    hops: true,
  }),
  NodeDetail: [
    ...node,
    ...fields<Omit<NodeDetail, keyof NodeSummary>>({
      sensors: true,
      neighbours: true,
      sharesPrefixWith: true,
      adverts: true,
      snrHistory: true,
      paths: true,
    }),
  ],
  ChannelMessage: fields<ChannelMessage>({
    id: true,
    hash: true,
    channel: true,
    sender: true,
    text: true,
    receivedAt: true,
    senderTimestamp: true,
    heard: true,
    fewestHops: true,
    bestSnr: true,
    senderKey: true,
  }),
  GatewayIdentity: fields<GatewayIdentity>({
    name: true,
    publicKey: true,
    regions: true,
    actions: true,
  }),
};
