/**
 * The validated configuration. schema/config.schema.json is the truth that
 * validates every file; these types mirror it by hand, and the MQTT parts
 * come from daemon/mqtt (test/config/schema-parts.test.ts keeps the schema
 * file and those parts equal).
 */
import type { BrokerConfig } from "../mqtt/config.ts";
import type { SummaryOptions } from "../mqtt/summaries.ts";

export interface GatewayConfig {
  name: string;
  iata: string;
  lat: number | null;
  lon: number | null;
}

export interface RadioConfig {
  id: string;
  driver: "companion" | "kiss" | "repeater-log";
  serial?: { path: string; baud: number };
  tcp?: { host: string; port: number };
  params?: { freqMHz: number; bwKHz: number; sf: number; cr: number; txPowerDbm?: number };
  silentTimeoutSec: number;
  commandTimeoutMs: number;
  setClock: boolean;
  allowKeyExport: boolean;
}

export interface ChannelConfig {
  name: string;
  key?: string;
}

export interface HealthThreshold {
  degradedAfterSec?: number;
  silentAfterSec?: number;
}

export interface MeshConfig {
  edgeHalfLifeDays: number;
  edgePruneDays: number;
  maxLinkKm: number;
  sliceMs: number;
  maxEdges: number;
  maxNodes: number;
  minResolveConfidence: number;
  health: Record<string, HealthThreshold>;
}

export interface Config {
  configVersion: number;
  gateway: GatewayConfig;
  log: { level: "debug" | "info" | "warn" | "error"; format: "text" | "json" };
  http: {
    host: string;
    port: number;
    engine: "auto" | "uws" | "node";
    token: string | null;
    cors: string[];
    maxBodyBytes: number;
    basemap: "online" | "offline" | "none";
  };
  store: {
    dataDir: string;
    fsyncIntervalMs: number;
    snapshotJournalRatio: number;
    maxDbMB: number;
    maxAgeDays: number;
    snapshotMinJournalBytes: number;
    outboxMaxPerBroker: number;
    outboxMaxAgeDays: number;
    maxNodes: number;
    hotMB: number;
    hotMaxHours: number;
    partitionMB: number;
    archiveMaxMB: number;
  };
  radios: RadioConfig[];
  simulator: {
    enabled: "auto" | boolean;
    seed: number;
    nodes: number;
    centre: { lat: number; lon: number };
    radiusKm: number;
    packetsPerSec: number;
  };
  channels: ChannelConfig[];
  publicChannel: boolean;
  regions: string[];
  mesh: MeshConfig;
  mqtt: { brokers: BrokerConfig[]; summaries: SummaryOptions };
}

/** Whether the simulator runs for this config. */
export function simulatorEnabled(cfg: Config): boolean {
  return cfg.simulator.enabled === "auto" ? cfg.radios.length === 0 : cfg.simulator.enabled;
}
