/** Small byte helpers shared by the radio codecs. Little-endian, as MeshCore is on the wire. */
import { safeName } from "../protocol/text.ts";

export function toHex(b: Uint8Array, upper = false): string {
  const s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
  return upper ? s.toUpperCase() : s;
}

/** Hex to bytes; null when the text is not an even-length run of hex digits. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/**
 * A bounds-checked reader: every read returns null past the end instead of
 * reading garbage, so parsers of short frames degrade to "field missing".
 */
export class ByteReader {
  private pos: number;
  private readonly view: DataView;
  constructor(
    private readonly buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return Math.max(0, this.buf.length - this.pos);
  }
  private take(n: number): number | null {
    if (this.pos + n > this.buf.length) return null;
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number | null {
    const at = this.take(1);
    return at === null ? null : this.view.getUint8(at);
  }
  i8(): number | null {
    const at = this.take(1);
    return at === null ? null : this.view.getInt8(at);
  }
  u16(): number | null {
    const at = this.take(2);
    return at === null ? null : this.view.getUint16(at, true);
  }
  i16(): number | null {
    const at = this.take(2);
    return at === null ? null : this.view.getInt16(at, true);
  }
  u32(): number | null {
    const at = this.take(4);
    return at === null ? null : this.view.getUint32(at, true);
  }
  i32(): number | null {
    const at = this.take(4);
    return at === null ? null : this.view.getInt32(at, true);
  }
  bytes(n: number): Uint8Array | null {
    const at = this.take(n);
    return at === null ? null : this.buf.subarray(at, at + n);
  }
  rest(): Uint8Array {
    const out = this.buf.subarray(Math.min(this.pos, this.buf.length));
    this.pos = this.buf.length;
    return out;
  }
}

/**
 * Decode a fixed-size, NUL-padded text field from the radio. Names come from
 * the air or from user settings: cap the length and drop control and bidi characters.
 */
export function cleanText(b: Uint8Array | null, max = 64): string | null {
  if (!b) return null;
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  const raw = new TextDecoder("utf-8", { fatal: false }).decode(b.subarray(0, end));
  // Bidi overrides too: one cleaner for every name (protocol/text.ts).
  const clean = safeName(raw).trim();
  return clean.length > max ? clean.slice(0, max) : clean;
}
