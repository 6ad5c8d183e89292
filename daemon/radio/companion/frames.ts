/**
 * Companion serial framing: host -> radio `<` u16 len payload, radio -> host
 * `>` u16 len payload. Pure: bytes in, payloads out; never throws.
 * Firmware: src/helpers/ArduinoSerialInterface.cpp (MeshCore).
 */
import { concatBytes } from "../../core/bytes.ts";

export const FRAME_TO_RADIO = 0x3c; // '<'
export const FRAME_FROM_RADIO = 0x3e; // '>'
/** MAX_FRAME_SIZE is 176 since v1.16; accept a little more for future builds. */
export const MAX_COMPANION_FRAME = 255;

export function encodeCompanionFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_COMPANION_FRAME) throw new RangeError("companion frame too long");
  const head = new Uint8Array([FRAME_TO_RADIO, payload.length & 0xff, payload.length >> 8]);
  return concatBytes(head, payload);
}

export interface DeframerCounters {
  frames: number;
  badFrames: number;
  /** Bytes skipped while looking for a frame start. */
  resyncBytes: number;
}

/**
 * Splits the radio's byte stream into frames. Anything that is not `>`
 * where a frame should start is skipped (resync); a length above the cap
 * marks the header as garbage and the search restarts one byte later.
 */
export interface CompanionDeframerOptions {
  /** Frame start byte: `>` for what the radio sends (the default), `<` to read the host side. */
  readonly start?: number;
  /** Plausibility check of a complete frame; false counts it bad and resyncs one byte on. */
  readonly accept?: (frame: Uint8Array) => boolean;
}

/**
 * Splits the radio's byte stream into frames. Anything that is not `>`
 * where a frame should start is skipped (resync); a length above the cap,
 * an implausible frame, a frame holding other whole frames (a wrong length)
 * or a stalled partial marks the header as garbage (counted in badFrames)
 * and the search restarts one byte later.
 */
export class CompanionDeframer {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly start: number;
  private readonly accept: (frame: Uint8Array) => boolean;
  readonly counters: DeframerCounters = { frames: 0, badFrames: 0, resyncBytes: 0 };

  constructor(opts: CompanionDeframerOptions = {}) {
    this.start = opts.start ?? FRAME_FROM_RADIO;
    this.accept = opts.accept ?? (() => true);
  }

  /** Bytes of an incomplete frame waiting for the rest. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * The rest of the partial frame never came (the radio reset mid-frame):
   * count it, skip its first byte and rescan, so it cannot swallow the next
   * good frames. Returns any frames found in what was buffered.
   */
  dropPartial(): Uint8Array[] {
    if (this.buf.length === 0) return [];
    this.counters.badFrames++;
    this.counters.resyncBytes++;
    const rest = this.buf.subarray(1);
    this.buf = new Uint8Array(0);
    return this.push(rest);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.buf = this.buf.length ? concatBytes(this.buf, chunk) : chunk;
    let i = 0;
    const b = this.buf;
    while (i < b.length) {
      if (b[i] !== this.start) {
        const next = b.indexOf(this.start, i);
        const skip = (next < 0 ? b.length : next) - i;
        this.counters.resyncBytes += skip;
        i += skip;
        continue;
      }
      if (i + 3 > b.length) break;
      const len = b[i + 1]! | (b[i + 2]! << 8);
      if (len > MAX_COMPANION_FRAME) {
        this.counters.badFrames++;
        this.counters.resyncBytes++;
        i++;
        continue;
      }
      if (i + 3 + len > b.length) break;
      if (len > 0) {
        const frame = b.slice(i + 3, i + 3 + len);
        if (!this.accept(frame) || this.swallows(b, i + 3, i + 3 + len)) {
          this.counters.badFrames++;
          this.counters.resyncBytes++;
          i++;
          continue;
        }
        out.push(frame);
        this.counters.frames++;
      }
      i += 3 + len;
    }
    // What is left is at most one partial frame: header + MAX bytes.
    this.buf = i >= b.length ? new Uint8Array(0) : b.slice(i);
    return out;
  }

  /**
   * Whether b[from, to) holds a whole good frame followed by another frame
   * start: the mark of a header whose length was wrong (a frame declaring 100
   * bytes but carrying 4), which would otherwise swallow the frames after it.
   * Random packet bytes pass for that by chance about once in 2^26 bytes.
   */
  private swallows(b: Uint8Array, from: number, to: number): boolean {
    for (
      let p = b.indexOf(this.start, from);
      p >= 0 && p + 3 <= to;
      p = b.indexOf(this.start, p + 1)
    ) {
      const len = b[p + 1]! | (b[p + 2]! << 8);
      const end = p + 3 + len;
      if (len === 0 || len > MAX_COMPANION_FRAME || end > b.length) continue;
      if (end < b.length && b[end] !== this.start) continue;
      if (this.accept(b.subarray(p + 3, end))) return true;
    }
    return false;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }
}
