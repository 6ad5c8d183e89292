/** Public surface of the HTTP layer (the lead wires this in daemon/app.ts). */

export { meshPortFrom, protocolDecoder } from "./adapters.ts";
export type { AppContext, HttpConfig, HttpDeps } from "./context.ts";
export type { EngineName } from "./engine.ts";
export { loadBestUws } from "./engine-select.ts";
export { loadUws } from "./engine-uws.ts";
export { openApiDocument } from "./openapi.ts";
export type {
  ActionResult,
  ActionsPort,
  ConfigPort,
  DecodeAnswer,
  DecodePort,
  GraphQuery,
  HttpProviders,
  MeshPort,
  MeshReadiness,
  MqttBrokerStatus,
  MqttPort,
  RadiosPort,
} from "./ports.ts";
export { createHttpServer, type HttpServer } from "./server.ts";
export { WS_TOPICS, type WsTopic } from "./ws-hub.ts";
