/**
 * Bounds-checked little-endian byte writer/reader and CRC-32 for the journal
 * codec. Varints are unsigned LEB128 done with arithmetic (not bit ops) so
 * they carry any safe integer, e.g. ms timestamps.
 */
import { ByteReader as BaseReader } from "../core/bytes.ts";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib/PNG): crc32("123456789") = 0xcbf43926. */
export function crc32(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private n = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }
  get length(): number {
    return this.n;
  }
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.n++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.n, v >>> 0, true);
    this.n += 4;
    return this;
  }
  f64(v: number): this {
    this.room(8);
    this.view.setFloat64(this.n, v, true);
    this.n += 8;
    return this;
  }
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint out of range: ${v}`);
    let x = v;
    while (x >= 0x80) {
      this.u8((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    return this.u8(x);
  }
  /** Zigzag so small negative numbers stay small; |v| < 2^52. */
  svarint(v: number): this {
    return this.varint(v < 0 ? -2 * v - 1 : 2 * v);
  }
  /** A length-prefixed field. */
  bytes(b: Uint8Array): this {
    return this.varint(b.length).fixed(b);
  }
  /** b as it is, no length prefix. */
  fixed(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  str(s: string): this {
    return this.bytes(enc.encode(s));
  }
  optStr(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.u8(0);
    return this.u8(1).str(s);
  }
  /** A fixed-size patch at an earlier offset (frame length, checksum). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
  /** View without copy; valid until the next write. */
  peek(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/**
 * The journal's reader: core's bounds-checked reader, but a read past the end
 * throws (a torn or corrupt record must fail its frame, never decode as
 * zeros); adds varints and length-prefixed fields.
 */
export class ByteReader extends BaseReader {
  private need(at: number | null): number {
    if (at === null) throw new RangeError("read past end");
    return at;
  }
  override u8(): number {
    return this.buf[this.need(this.take(1))]!;
  }
  override u32(): number {
    return this.view.getUint32(this.need(this.take(4)), true);
  }
  override f64(): number {
    return this.view.getFloat64(this.need(this.take(8)), true);
  }
  /** n bytes as they are (no length prefix), copied. */
  fixed(n: number): Uint8Array {
    const at = this.need(this.take(n));
    return this.buf.slice(at, at + n);
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new RangeError("varint too long");
  }
  svarint(): number {
    const z = this.varint();
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }
  /** A length-prefixed field (unlike the base reader's fixed-size bytes(n)), copied. */
  override bytes(): Uint8Array {
    return this.fixed(this.varint());
  }
  str(): string {
    const n = this.varint();
    const at = this.need(this.take(n));
    return dec.decode(this.buf.subarray(at, at + n));
  }
  optStr(): string | null {
    return this.u8() === 0 ? null : this.str();
  }
}
