/**
 * Hex text and little-endian bytes: the one module every layer (protocol,
 * radio, store, sim) and the web UI use. Pure and free of Node APIs (no
 * Buffer) so the browser bundle imports it as is. MeshCore is little-endian
 * on the wire and in the companion protocol.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, "0"),
);

/** Lower hex (upper on request) without Buffer; cheap for packet-sized input. */
export function toHex(b: Uint8Array, upper = false): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] ?? 0];
  return upper ? s.toUpperCase() : s;
}

/** Two lower hex digits of one byte. */
export function hexByte(v: number): string {
  return HEX[v & 0xff] ?? "00";
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const l = c | 0x20; // fold A-F to a-f
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Hex to bytes; null unless the text is an even-length run of hex digits only. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(text.charCodeAt(i * 2));
    const lo = nibble(text.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Hex to bytes ignoring whitespace; throws on anything else (keys and vectors in code). */
export function hexToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const out = fromHex(clean);
  if (!out) throw new TypeError(`not a hex string: ${clean.slice(0, 40)}`);
  return out;
}

/*
 * Reads at an offset for the packet decoder. Callers check lengths first (the
 * decoder validates every field's span before reading), so these never run
 * past the end; out-of-range reads yield 0 rather than throw.
 */

export function u16le(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8)) >>> 0;
}

export function u32le(b: Uint8Array, o: number): number {
  return i32le(b, o) >>> 0;
}

export function i32le(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24);
}

/** A byte as a signed 8-bit value (SNR bytes are int8 quarter-dB). */
export function i8(v: number): number {
  return v & 0x80 ? v - 256 : v;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** UTF-8 up to the first NUL (firmware strings are C strings, often NUL padded). */
export function cString(b: Uint8Array): string {
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  return utf8.decode(b.subarray(0, end));
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

/** Four little-endian bytes of an unsigned 32-bit value. */
export function u32leBytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/**
 * A bounds-checked little-endian reader: every read returns null past the
 * end instead of reading garbage, so parsers of short frames degrade to
 * "field missing". Readers that must fail loudly (the journal) extend it and
 * throw on null.
 */
export class ByteReader {
  protected pos: number;
  protected readonly view: DataView;
  constructor(
    protected readonly buf: Uint8Array,
    start = 0,
    protected readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return Math.max(0, this.end - this.pos);
  }
  /** Offset of the next n bytes, consumed; null (nothing consumed) past the end. */
  protected take(n: number): number | null {
    if (this.pos + n > this.end) return null;
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
  f64(): number | null {
    const at = this.take(8);
    return at === null ? null : this.view.getFloat64(at, true);
  }
  /** A view of the next n bytes (no copy). */
  bytes(n: number): Uint8Array | null {
    const at = this.take(n);
    return at === null ? null : this.buf.subarray(at, at + n);
  }
  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}
