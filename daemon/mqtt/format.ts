/**
 * Pure builders for the messages existing MeshCore servers read: the
 * meshcoretomqtt packet line as JSON and the observer status. Field names,
 * string values and the upper-case hex follow what the repeater firmware
 * prints with MESH_PACKET_LOGGING (examples/simple_repeater/MyMesh.cpp
 * logRx and getLogDateTime; src/Utils.cpp printHex writes upper hex) and what
 * meshcoretomqtt turns that into.
 */

import { toHex } from "../core/bytes.ts";
import type { RadioParams, RadioStats, StoredPacket } from "../core/types.ts";
import { airtimeMs as protocolAirtimeMs } from "../protocol/airtime.ts";
import { frameLayout } from "../protocol/hash.ts";
import { safeName as cleanName } from "../protocol/text.ts";
import type { RadioInfo } from "./ports.ts";

/** One MQTT message before it enters the outbox. */
export interface Outgoing {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

const MAX_NAME = 64;

/** Names come from radios and the air: bound them and strip control and bidi chars. */
export function safeName(s: string | null | undefined, fallback: string): string {
  if (typeof s !== "string") return fallback;
  const clean = cleanName(s).trim();
  return clean.length === 0 ? fallback : Array.from(clean).slice(0, MAX_NAME).join("");
}

/** REQ, RESPONSE, TXT_MSG, PATH: payload starts dest hash, src hash; the repeater log prints "[src -> dest]". */
const ADDR_PAIR = new Set([0, 1, 2, 8]);

/**
 * SNR threshold per SF and the score formula from the firmware
 * (src/helpers/radiolib/RadioLibWrappers.cpp packetScoreInt).
 */
export function packetScore(snr: number, sf: number, len: number): number {
  if (sf < 7) return 0;
  const threshold = -7.5 - (sf - 7) * 2.5;
  if (snr < threshold) return 0;
  const s = ((snr - threshold) / 10) * (1 - len / 256);
  return Math.max(0, Math.min(1, s));
}

/** Time on air in ms for the message's `duration` (the protocol's Semtech formula). */
export function airtimeMs(p: RadioParams, len: number): number {
  return protocolAirtimeMs(len, p);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function num(n: number | null): string | null {
  if (n === null || !Number.isFinite(n)) return null;
  return String(Math.round(n * 100) / 100);
}

/** The packets-feed message (meshcoretomqtt shape, values as strings). */
export function packetMessage(
  p: StoredPacket,
  radio: RadioInfo,
  fallbackName: string,
): Record<string, string | null> {
  const raw = p.raw;
  const at = new Date(p.at);
  const layout = frameLayout(raw);
  // The firmware logs the header bits even of a packet it cannot parse; the
  // decoder reports -1 only when it could not read them (an empty packet).
  const header = raw[0] ?? 0;
  const route = p.route >= 0 ? p.route : header & 0x03;
  const type = p.payloadType >= 0 ? p.payloadType : (header >> 2) & 0x0f;
  // Unknown when the header and path cannot be read: never "0" as if valid.
  const payloadLen = layout ? String(raw.length - layout.payloadOffset) : null;
  const params = radio.params;
  const msg: Record<string, string | null> = {
    origin: safeName(radio.name, fallbackName),
    origin_id: radio.publicKey ?? "",
    timestamp: at.toISOString(),
    type: "PACKET",
    direction: "rx",
    // The firmware's log clock: "HH:MM:SS" and "d/m/yyyy" (getLogDateTime), here UTC.
    time: `${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())}:${pad2(at.getUTCSeconds())}`,
    date: `${at.getUTCDate()}/${at.getUTCMonth() + 1}/${at.getUTCFullYear()}`,
    len: String(raw.length),
    packet_type: String(type),
    // isRouteDirect() covers DIRECT and TRANSPORT_DIRECT.
    route: route === 2 || route === 3 ? "D" : "F",
    payload_len: payloadLen,
    raw: toHex(raw, true),
    SNR: num(p.snr),
    RSSI: num(p.rssi),
    score:
      p.snr !== null && params
        ? String(Math.trunc(packetScore(p.snr, params.sf, raw.length) * 1000))
        : null,
    duration: params ? String(Math.trunc(airtimeMs(params, raw.length))) : null,
    hash: p.hash.toUpperCase(),
  };
  // Undecodable packets are published too (the raw bytes are the evidence a
  // collector may want), flagged with the decoder's error code; see docs/mqtt.md.
  if (p.error !== null) msg.decode_error = p.error;
  if (
    msg.route === "D" &&
    layout &&
    ADDR_PAIR.has(type) &&
    raw.length - layout.payloadOffset >= 2
  ) {
    // The firmware logs "[src -> dest]" for these; meshcoretomqtt keeps it as `path`.
    const payload = raw.subarray(layout.payloadOffset);
    const hx = (b: number | undefined) => (b ?? 0).toString(16).toUpperCase().padStart(2, "0");
    msg.path = `${hx(payload[1])} -> ${hx(payload[0])}`;
  }
  return msg;
}

/** "freqMHz,bwkHz,sf,cr" as uploaders write it. */
export function radioString(p: RadioParams | null): string | null {
  if (!p) return null;
  return `${p.freqMHz},${p.bwKHz},${p.sf},${p.cr}`;
}

function statsObject(s: RadioStats | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!s) return out;
  const put = (k: string, v: number | null) => {
    if (v !== null && Number.isFinite(v)) out[k] = v;
  };
  put("battery_mv", s.batteryMv);
  put("uptime_secs", s.uptimeSecs);
  put("noise_floor", s.noiseFloorDbm);
  put("tx_air_secs", s.txAirSecs);
  put("rx_air_secs", s.rxAirSecs);
  put("recv_errors", s.recvErrors);
  put("queue_len", s.queueLen);
  return out;
}

/** The retained status message (also the last will, with "offline"). */
export function statusMessage(
  status: "online" | "offline",
  radio: RadioInfo,
  fallbackName: string,
  version: string,
  now: number,
): Record<string, unknown> {
  return {
    status,
    timestamp: new Date(now).toISOString(),
    origin: safeName(radio.name, fallbackName),
    origin_id: radio.publicKey ?? "",
    radio: radioString(radio.params),
    model: radio.model === null ? null : safeName(radio.model, ""),
    firmware_version: radio.firmware === null ? null : safeName(radio.firmware, ""),
    client_version: `meshgate/${version}`,
    stats: statsObject(radio.stats),
  };
}

export function observerTopic(
  prefix: string,
  iata: string,
  publicKey: string,
  leaf: "packets" | "status",
): string {
  return `${prefix}/${iata}/${publicKey.toUpperCase()}/${leaf}`;
}
