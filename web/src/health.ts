/**
 * Health, radio and MQTT shapes, and the alerts derived from them. Alerts are
 * computed here from plain fields so the overview can warn even when the
 * daemon sends no ready-made alert list.
 */
import {
  type GatewayIdentity,
  type Health,
  isObj,
  type MqttList,
  type RadioStatus,
} from "./model.ts";

export interface RadioView {
  readonly id: string;
  readonly driver: string;
  readonly state: string;
  readonly since: number | null;
  readonly lastError: string | null;
  readonly publicKey: string | null;
  readonly name: string | null;
  readonly params: {
    freqMHz: number | null;
    bwKHz: number | null;
    sf: number | null;
    cr: number | null;
    txPowerDbm: number | null;
  } | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly clockSkewSec: number | null;
  readonly noiseFloorDbm: number | null;
  readonly txAirSecs: number | null;
  readonly rxAirSecs: number | null;
  readonly batteryMv: number | null;
  readonly uptimeSecs: number | null;
  readonly counters: Readonly<Record<string, number>>;
}

/** A radio as the pages show it: the contract's status with its stats flattened. */
export function toRadio(r: RadioStatus): RadioView {
  const p = r.params;
  const st = r.stats;
  return {
    id: r.id,
    driver: r.driver,
    state: r.state,
    since: r.since || null,
    lastError: r.lastError,
    publicKey: r.publicKey,
    name: r.name,
    params: p
      ? {
          freqMHz: p.freqMHz,
          bwKHz: p.bwKHz,
          sf: p.sf,
          cr: p.cr,
          txPowerDbm: p.txPowerDbm ?? null,
        }
      : null,
    model: r.model,
    firmware: r.firmware,
    clockSkewSec: r.clockSkewSec,
    noiseFloorDbm: st?.noiseFloorDbm ?? null,
    txAirSecs: st?.txAirSecs ?? null,
    rxAirSecs: st?.rxAirSecs ?? null,
    batteryMv: st?.batteryMv ?? null,
    uptimeSecs: st?.uptimeSecs ?? null,
    counters: r.counters,
  };
}

export interface MqttView {
  readonly broker: string;
  readonly state: string;
  readonly connected: boolean;
  readonly outboxDepth: number | null;
}

export function toMqtt(m: MqttList): MqttView[] {
  const depth = isObj(m.outbox) && isObj(m.outbox.depth) ? m.outbox.depth : {};
  return m.brokers.map((b) => ({
    broker: b.name,
    state: b.state,
    connected: b.connected,
    outboxDepth: typeof depth[b.name] === "number" ? (depth[b.name] as number) : null,
  }));
}

export interface HealthView {
  readonly status: string;
  readonly version: string;
  readonly uptimeSec: number | null;
  /** HTTP engine (uws or node) and the Node.js version, when reported. */
  readonly engine: string | null;
  readonly nodeVersion: string | null;
  readonly observations: number | null;
  readonly nodes: number | null;
  readonly dbBytes: number | null;
  readonly storeError: string | null;
  readonly diskFreeBytes: number | null;
  readonly diskTotalBytes: number | null;
  readonly radios: readonly RadioView[];
  readonly mqtt: readonly MqttView[];
  /** The daemon's own reasons for "degraded" (radio down, broker down, ...). */
  readonly serverAlerts: readonly string[];
  /** Whether the mesh indexes are built, and how far along when not. */
  readonly indexReady: boolean;
  readonly indexProgress: number | null;
  readonly indexDetail: string | null;
  /** The gateway's name, key, region and whether actions are enabled. */
  readonly gateway: GatewayIdentity;
}

export function toHealth(h: Health): HealthView {
  return {
    status: h.status,
    version: h.version,
    uptimeSec: h.uptimeSec,
    engine: h.engine,
    nodeVersion: h.versions.node,
    observations: h.store.observations,
    nodes: h.store.nodes ?? null,
    dbBytes: h.store.dbBytes ?? null,
    storeError: h.store.error,
    diskFreeBytes: h.disk?.freeBytes ?? null,
    diskTotalBytes: h.disk?.totalBytes ?? null,
    // /api/health reports each radio's state only; the radio page reads /api/radios.
    radios: h.radios.map((r) => ({
      ...EMPTY_RADIO,
      id: r.id,
      driver: r.driver,
      state: r.state,
      lastError: r.lastError,
    })),
    mqtt: h.mqtt.map((b) => ({
      broker: b.name,
      state: b.state,
      connected: b.connected,
      outboxDepth: null,
    })),
    serverAlerts: h.reasons.slice(0, 50),
    indexReady: h.index.ready,
    indexProgress: h.index.progress,
    indexDetail: h.index.detail ?? null,
    gateway: h.gateway,
  };
}

const EMPTY_RADIO: RadioView = {
  id: "",
  driver: "",
  state: "unknown",
  since: null,
  lastError: null,
  publicKey: null,
  name: null,
  params: null,
  model: null,
  firmware: null,
  clockSkewSec: null,
  noiseFloorDbm: null,
  txAirSecs: null,
  rxAirSecs: null,
  batteryMv: null,
  uptimeSecs: null,
  counters: {},
};

export interface Alert {
  readonly level: "warn" | "error";
  readonly text: string;
}

/** Thresholds for derived alerts; chosen to be quiet on a healthy gateway. */
export const CLOCK_SKEW_WARN_SEC = 120;
export const DISK_FREE_WARN = 0.1;
export const OUTBOX_WARN = 1000;

export function deriveAlerts(h: HealthView): Alert[] {
  const out: Alert[] = h.serverAlerts.map((text) => ({ level: "warn" as const, text }));
  // The daemon's reasons already name down radios and a failing store.
  const told = h.serverAlerts.length > 0;
  for (const r of h.radios) {
    if (r.state !== "up" && !told) {
      out.push({
        level: "error",
        text: `Radio ${r.id} is ${r.state}${r.lastError ? `: ${r.lastError}` : ""}`,
      });
    }
    if (r.clockSkewSec !== null && Math.abs(r.clockSkewSec) > CLOCK_SKEW_WARN_SEC) {
      out.push({
        level: "warn",
        text: `Radio ${r.id} clock is off by ${Math.round(r.clockSkewSec)} s`,
      });
    }
  }
  if (h.storeError && !told) out.push({ level: "error", text: `Storage error: ${h.storeError}` });
  if (h.diskFreeBytes !== null && h.diskTotalBytes) {
    if (h.diskFreeBytes / h.diskTotalBytes < DISK_FREE_WARN) {
      out.push({ level: "warn", text: "Disk is nearly full" });
    }
  }
  for (const m of h.mqtt) {
    if (m.outboxDepth !== null && m.outboxDepth > OUTBOX_WARN) {
      out.push({
        level: "warn",
        text: `MQTT outbox for ${m.broker} is backing up (${m.outboxDepth})`,
      });
    }
  }
  return out;
}
