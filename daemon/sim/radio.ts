/**
 * LoRa timing and per-reception signal for the simulated mesh. Airtime is
 * the protocol's Semtech formula; flood retransmit delay follows src/Mesh.cpp
 * getRetransmitDelay (a random 0..5 slots of half the airtime plus 4%).
 */
import { airtimeMs as protocolAirtimeMs } from "../protocol/airtime.ts";
import type { Rng } from "./rng.ts";

export interface LoraParams {
  readonly sf: number;
  readonly bwKHz: number;
  /** 5..8 meaning 4/5..4/8. */
  readonly cr: number;
}

/** The US preset (910.525 MHz / 62.5 kHz / SF7 / CR5). */
export const DEFAULT_LORA: LoraParams = { sf: 7, bwKHz: 62.5, cr: 5 };

/** Time on air in ms (the protocol's Semtech formula), at the US preset unless told. */
export function airtimeMs(bytes: number, p: LoraParams = DEFAULT_LORA): number {
  return protocolAirtimeMs(bytes, p);
}

export function floodRetransmitDelayMs(bytes: number, rng: Rng): number {
  const slot = (airtimeMs(bytes) * 52) / 50 / 2;
  return rng.int(0, 5) * slot;
}

/** Below this SNR an SF7 packet is lost (datasheet demodulation floor is -7.5 dB). */
const DEMOD_FLOOR_SNR = -8;
const FADING_SD_DB = 1.5;

export interface Reception {
  /** dB, in the radio's 0.25 dB steps. */
  readonly snr: number;
  /** dBm, integer. */
  readonly rssi: number;
}

/** One reception over a link: mean plus fading; null when the packet is lost. */
export function receive(mean: { snr: number; rssi: number }, rng: Rng): Reception | null {
  const fade = rng.gauss() * FADING_SD_DB;
  const snr = Math.max(-32, Math.min(31.75, Math.round((mean.snr + fade) * 4) / 4));
  if (snr < DEMOD_FLOOR_SNR) return null;
  const rssi = Math.max(-128, Math.min(-20, Math.round(mean.rssi + fade)));
  return { snr, rssi };
}
