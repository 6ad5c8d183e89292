/**
 * KISS framing for the MeshCore KISS modem (examples/kiss_modem/KissModem.cpp):
 * `C0 type escaped-data C0`, SLIP escapes. The byte work is done by
 * @serialport/parser-slip-encoder; this wraps it with what a long-running
 * gateway needs: a buffer cap, resync, bad-frame counts, no throws.
 */
import { SlipDecoder, SlipEncoder } from "@serialport/parser-slip-encoder";

export const FEND = 0xc0;
/** The modem's KISS_MAX_FRAME_SIZE: type byte + 512 unescaped data bytes. */
export const MAX_KISS_FRAME = 1 + 512;
/** Escaping can double the data; anything longer between two FENDs is garbage. */
const MAX_RAW_BETWEEN_FENDS = 2 * MAX_KISS_FRAME + 2;

export interface KissFrame {
  /** Low nibble of the type byte (0 data, 6 SetHardware). */
  readonly command: number;
  readonly port: number;
  readonly data: Uint8Array;
}

export interface KissCounters {
  frames: number;
  badFrames: number;
  resyncBytes: number;
}

/** Encode one frame with a leading FEND (the modem ignores input until it sees one). */
export function encodeKissFrame(command: number, data: Uint8Array): Uint8Array {
  const enc = new SlipEncoder({ bluetoothQuirk: true });
  const parts: Buffer[] = [];
  enc.on("data", (b: Buffer) => parts.push(b));
  const body = Buffer.alloc(1 + data.length);
  body[0] = command & 0x0f;
  body.set(data, 1);
  enc.write(body);
  enc.end();
  // The encoder's transform is synchronous, so the frame is already here.
  return new Uint8Array(Buffer.concat(parts));
}

export class KissDeframer {
  readonly counters: KissCounters = { frames: 0, badFrames: 0, resyncBytes: 0 };
  private decoder!: SlipDecoder;
  private pending: Uint8Array[] = [];
  private sinceFend = 0;
  private discarding = false;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.decoder?.removeAllListeners("data");
    this.decoder = new SlipDecoder();
    this.decoder.on("data", (b: Buffer) => this.pending.push(new Uint8Array(b)));
    this.sinceFend = 0;
    this.discarding = false;
  }

  push(chunk: Uint8Array): KissFrame[] {
    let start = 0;
    let lastFend = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === FEND) {
        if (this.discarding) {
          // Resume at this FEND: it opens the next frame.
          this.counters.resyncBytes += i - start;
          this.discarding = false;
          start = i;
        }
        lastFend = i;
        this.sinceFend = 0;
        continue;
      }
      if (this.discarding) continue;
      if (++this.sinceFend > MAX_RAW_BETWEEN_FENDS) {
        // Oversized or never-ending frame: decode the complete frames before
        // it, drop the rest, restart the decoder and skip to the next FEND.
        if (lastFend >= start) this.decoder.write(Buffer.from(chunk.subarray(start, lastFend + 1)));
        this.counters.badFrames++;
        this.reset();
        this.discarding = true;
        start = i + 1;
      }
    }
    if (this.discarding) this.counters.resyncBytes += chunk.length - start;
    else if (start < chunk.length) this.decoder.write(Buffer.from(chunk.subarray(start)));
    const out: KissFrame[] = [];
    for (const raw of this.pending.splice(0)) {
      const f = this.check(raw);
      if (f) out.push(f);
    }
    return out;
  }

  private check(raw: Uint8Array): KissFrame | null {
    if (raw.length === 0) return null; // back-to-back FENDs
    const type = raw[0]!;
    if (raw.length > MAX_KISS_FRAME || type >> 4 !== 0) {
      this.counters.badFrames++;
      return null;
    }
    this.counters.frames++;
    return { command: type & 0x0f, port: type >> 4, data: raw.subarray(1) };
  }
}
