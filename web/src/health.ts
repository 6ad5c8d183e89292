/**
 * Health, radio and MQTT shapes, and the alerts derived from them. Alerts are
 * computed here from plain fields so the overview can warn even when the
 * daemon sends no ready-made alert list.
 */
import { isObj, list, num, str, time } from "./model.ts";

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

export function toRadio(v: unknown): RadioView | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  if (!id) return null;
  const p = isObj(v.params) ? v.params : null;
  const s = isObj(v.stats) ? v.stats : {};
  const counters: Record<string, number> = {};
  if (isObj(v.counters)) {
    for (const [k, c] of Object.entries(v.counters).slice(0, 50)) {
      if (typeof c === "number") counters[k.slice(0, 40)] = c;
    }
  }
  return {
    id,
    driver: str(v.driver) ?? "",
    state: str(v.state) ?? "unknown",
    since: time(v.since),
    lastError: str(v.lastError, 200),
    publicKey: str(v.publicKey),
    name: str(v.name),
    params: p
      ? {
          freqMHz: num(p.freqMHz),
          bwKHz: num(p.bwKHz),
          sf: num(p.sf),
          cr: num(p.cr),
          txPowerDbm: num(p.txPowerDbm),
        }
      : null,
    model: str(v.model),
    firmware: str(v.firmware),
    clockSkewSec: num(v.clockSkewSec),
    noiseFloorDbm: num(s.noiseFloorDbm),
    txAirSecs: num(s.txAirSecs),
    rxAirSecs: num(s.rxAirSecs),
    batteryMv: num(s.batteryMv),
    uptimeSecs: num(s.uptimeSecs),
    counters,
  };
}

export interface MqttView {
  readonly broker: string;
  readonly state: string;
  readonly connected: boolean;
  readonly outboxDepth: number | null;
}

export function toMqtt(v: unknown): MqttView[] {
  const items =
    isObj(v) && !Array.isArray(v.brokers) && typeof v.state === "string" ? [v] : list(v, "brokers");
  // /api/mqtt reports outbox depth per broker beside the broker list.
  const depth = isObj(v) && isObj(v.outbox) && isObj(v.outbox.depth) ? v.outbox.depth : {};
  const out: MqttView[] = [];
  for (const m of items) {
    if (!isObj(m)) continue;
    const broker = str(m.broker ?? m.name ?? m.id) ?? "mqtt";
    const state = str(m.state) ?? "unknown";
    out.push({
      broker,
      state,
      connected: typeof m.connected === "boolean" ? m.connected : state === "connected",
      outboxDepth: num(m.outboxDepth ?? m.depth ?? m.queued ?? depth[broker]),
    });
  }
  return out;
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
}

export function toHealth(v: unknown): HealthView {
  const o = isObj(v) ? v : {};
  const store = isObj(o.store) ? o.store : {};
  const disk = isObj(o.disk) ? o.disk : {};
  return {
    status: str(o.status) ?? "unknown",
    version: str(o.version) ?? "?",
    uptimeSec: num(o.uptimeSec),
    engine: str(o.engine, 32),
    nodeVersion: isObj(o.versions) ? str(o.versions.node, 32) : null,
    observations: num(store.observations),
    nodes: num(store.nodes),
    dbBytes: num(store.dbBytes),
    storeError: str(store.error, 200),
    diskFreeBytes: num(disk.freeBytes ?? disk.free),
    diskTotalBytes: num(disk.totalBytes ?? disk.total),
    radios: list(o.radios, "radios")
      .map(toRadio)
      .filter((r): r is RadioView => r !== null),
    mqtt: o.mqtt === undefined ? [] : toMqtt(o.mqtt),
    serverAlerts: [...list(o.reasons), ...list(o.alerts, "alerts")]
      .slice(0, 50)
      .map((a) => (isObj(a) ? str(a.message ?? a.code, 200) : str(a, 200)))
      .filter((a): a is string => a !== null),
    indexReady: !isObj(o.index) || o.index.ready !== false,
    indexProgress: isObj(o.index) ? num(o.index.progress) : null,
    indexDetail: isObj(o.index) ? str(o.index.detail, 200) : null,
  };
}

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
