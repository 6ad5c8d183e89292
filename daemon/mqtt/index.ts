/** Public surface of the MQTT upstream (what the daemon wires). */
export { type BrokerConfig, type Feed, resolveBroker } from "./config.ts";
export { BROKER_ITEM_SCHEMA, MQTT_SCHEMA, SUMMARIES_SCHEMA } from "./config-schema.ts";
export { airtimeMs, packetMessage, packetScore, statusMessage } from "./format.ts";
export type {
  OutboxPort,
  RadioInfo,
  RadiosPort,
  Signer,
  SignerPort,
  SummaryEdge,
  SummaryNode,
  SummaryPort,
} from "./ports.ts";
export type { BrokerStatus } from "./status.ts";
export { DEFAULT_SUMMARY_OPTIONS, type SummaryOptions } from "./summaries.ts";
export { createToken, parseToken, TokenSource } from "./token.ts";
export { MqttUplink, type MqttUplinkDeps } from "./uplink.ts";
