/**
 * Per-radio RF state (noise floor, duty cycle from the radio's own airtime
 * counters), top talkers and channel message counts. All capped.
 */

import { byCodeUnit } from "../core/order.ts";
import type { RadioParams, RadioStatus } from "../core/types.ts";
import { decay } from "./stats.ts";

export interface RadioSample {
  readonly t: number;
  readonly noiseFloorDbm: number | null;
  readonly txAirSecs: number | null;
  readonly rxAirSecs: number | null;
}

export interface RadioTrack {
  id: string;
  publicKey: string | null;
  params: RadioParams | null;
  samples: RadioSample[];
}

const MAX_SAMPLES = 2880;
const MAX_RADIOS = 16;
const MAX_TALKERS = 5000;
const MAX_CHANNELS = 256;
const TALKER_HALF_LIFE_MS = 86_400_000;

export interface TalkerView {
  readonly id: string;
  readonly originated: number;
  readonly relayed: number;
  /** Decayed activity (half-life one day). */
  readonly score: number;
}

interface Talker {
  id: string;
  originated: number;
  relayed: number;
  score: number;
  scoreAt: number;
}

export interface DutyPoint {
  readonly t: number;
  readonly noiseFloorDbm: number | null;
  /** Fraction of time transmitting / receiving since the previous sample. */
  readonly txDuty: number | null;
  readonly rxDuty: number | null;
}

export class Activity {
  readonly radios = new Map<string, RadioTrack>();
  private readonly talkers = new Map<string, Talker>();
  readonly channels = new Map<string, { count: number; lastAt: number }>();
  channelsOverflow = 0;

  radio(id: string): RadioTrack | undefined {
    return this.radios.get(id);
  }

  radioStatus(s: RadioStatus, at: number): void {
    let r = this.radios.get(s.id);
    if (!r) {
      if (this.radios.size >= MAX_RADIOS) return;
      r = { id: String(s.id).slice(0, 64), publicKey: null, params: null, samples: [] };
      this.radios.set(s.id, r);
    }
    if (s.publicKey) r.publicKey = s.publicKey.toUpperCase();
    if (s.params) r.params = s.params;
    const st = s.stats;
    if (st) {
      r.samples.push({
        t: at,
        noiseFloorDbm: st.noiseFloorDbm,
        txAirSecs: st.txAirSecs,
        rxAirSecs: st.rxAirSecs,
      });
      if (r.samples.length > MAX_SAMPLES) r.samples.splice(0, r.samples.length - MAX_SAMPLES);
    }
  }

  duty(radioId: string, from: number, to: number): DutyPoint[] {
    const r = this.radios.get(radioId);
    if (!r) return [];
    const out: DutyPoint[] = [];
    let prev: RadioSample | undefined;
    for (const s of r.samples) {
      if (s.t >= from && s.t < to) {
        const dt = prev ? (s.t - prev.t) / 1000 : 0;
        out.push({
          t: s.t,
          noiseFloorDbm: s.noiseFloorDbm,
          txDuty: ratio(prev?.txAirSecs, s.txAirSecs, dt),
          rxDuty: ratio(prev?.rxAirSecs, s.rxAirSecs, dt),
        });
      }
      prev = s;
    }
    return out;
  }

  talk(id: string, at: number, originated: boolean): void {
    let t = this.talkers.get(id);
    if (!t) {
      if (this.talkers.size >= MAX_TALKERS) this.evictTalkers(at);
      t = { id, originated: 0, relayed: 0, score: 0, scoreAt: at };
      this.talkers.set(id, t);
    }
    if (originated) t.originated++;
    else t.relayed++;
    if (at >= t.scoreAt) {
      t.score = decay(t.score, t.scoreAt, at, TALKER_HALF_LIFE_MS) + 1;
      t.scoreAt = at;
    } else {
      t.score += decay(1, at, t.scoreAt, TALKER_HALF_LIFE_MS);
    }
  }

  topTalkers(now: number, limit: number): TalkerView[] {
    return [...this.talkers.values()]
      .map((t) => ({
        id: t.id,
        originated: t.originated,
        relayed: t.relayed,
        score: Math.round(decay(t.score, t.scoreAt, now, TALKER_HALF_LIFE_MS) * 1000) / 1000,
      }))
      .sort((a, b) => b.score - a.score || byCodeUnit(a.id, b.id))
      .slice(0, limit);
  }

  channel(name: string, at: number): void {
    const key = name.slice(0, 40);
    let c = this.channels.get(key);
    if (!c) {
      if (this.channels.size >= MAX_CHANNELS) {
        this.channelsOverflow++;
        return;
      }
      c = { count: 0, lastAt: at };
      this.channels.set(key, c);
    }
    c.count++;
    if (at > c.lastAt) c.lastAt = at;
  }

  talker(id: string): Talker | undefined {
    return this.talkers.get(id);
  }

  talkersJson(): Talker[] {
    return [...this.talkers.values()];
  }

  restoreTalker(t: Talker): void {
    if (this.talkers.size < MAX_TALKERS) this.talkers.set(t.id, t);
  }

  private evictTalkers(now: number): void {
    const ranked = [...this.talkers.values()].sort(
      (a, b) =>
        decay(a.score, a.scoreAt, now, TALKER_HALF_LIFE_MS) -
        decay(b.score, b.scoreAt, now, TALKER_HALF_LIFE_MS),
    );
    for (const t of ranked.slice(0, MAX_TALKERS / 10)) this.talkers.delete(t.id);
  }
}

function ratio(a: number | null | undefined, b: number | null, dt: number): number | null {
  if (a === null || a === undefined || b === null || dt <= 0 || b < a) return null;
  return Math.round(((b - a) / dt) * 1e5) / 1e5;
}
