/**
 * The API contract: every response and event shape of meshgate's HTTP API
 * and WebSocket, in one place. The daemon's routes are typed against it
 * (router.ts `get`), the web UI imports it (types only), and the OpenAPI
 * document is checked against it (test/http/contract.test.ts). Areas keep
 * their own file; add a file here and a line below for a new area.
 */
import type { Health } from "./health.ts";
import type { BasemapInfo } from "./map.ts";
import type { ChannelList, MessageList, MqttList, RadioList } from "./misc.ts";
import type { AnalyticsSeries, CollisionReport, GraphView, NodeDetail, NodeList } from "./nodes.ts";
import type { PacketDetail, PacketList, TransmissionList } from "./packets.ts";

export type * from "./common.ts";
export type * from "./events.ts";
export type * from "./health.ts";
export type * from "./map.ts";
export * from "./misc.ts";
export type * from "./nodes.ts";
export type * from "./packets.ts";
export type * from "./setup.ts";

/** Answer of each GET route (200), by its OpenAPI path template. */
export interface ApiGet {
  "/api/health": Health;
  "/api/packets": PacketList | TransmissionList;
  "/api/packets/{hash}": PacketDetail;
  "/api/nodes": NodeList;
  "/api/nodes/{publicKey}": NodeDetail;
  "/api/graph": GraphView;
  "/api/collisions": CollisionReport;
  "/api/analytics": AnalyticsSeries;
  "/api/channels": ChannelList;
  "/api/channels/messages": MessageList;
  "/api/radios": RadioList;
  "/api/mqtt": MqttList;
  "/api/map/basemap": BasemapInfo;
}
