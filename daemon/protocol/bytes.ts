/**
 * Little-endian reads for the decoder. Callers check lengths first (the
 * decoder validates every field's span before reading), so these never run
 * past the end; out-of-range reads would yield 0 rather than throw.
 */

export function u16le(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8)) >>> 0;
}

export function u32le(b: Uint8Array, o: number): number {
  return (
    ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0
  );
}

export function i32le(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24);
}

export function i8(v: number): number {
  return v & 0x80 ? v - 256 : v;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower hex without going through Buffer (cheap for the short fields we print). */
export function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] ?? 0];
  return s;
}

export function hexByte(v: number): string {
  return HEX[v & 0xff] ?? "00";
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** UTF-8 up to the first NUL (firmware strings are C strings, often NUL padded). */
export function cString(b: Uint8Array): string {
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  return utf8.decode(b.subarray(0, end));
}
