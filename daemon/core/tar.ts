/**
 * The few bytes of the POSIX ustar format a backup download needs: a
 * 512-byte header per regular file, its content padded to 512 bytes, and two
 * zero blocks at the end. Pure: it builds headers, the caller streams the
 * content. GNU tar, bsdtar and Python's tarfile read it.
 */

export const TAR_BLOCK = 512;
/** Largest size the header's 11 octal digits hold (8 GiB - 1). */
export const TAR_MAX_SIZE = 0o77777777777;

export interface TarEntry {
  /** Path inside the archive, "/"-separated, relative, printable ASCII. */
  readonly name: string;
  readonly size: number;
  /** Modification time, ms since the epoch. */
  readonly mtimeMs: number;
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

function octal(out: Uint8Array, at: number, width: number, value: number): void {
  // width - 1 digits, zero-padded, then a NUL.
  const text = value.toString(8).padStart(width - 1, "0");
  for (let i = 0; i < width - 1; i++) out[at + i] = text.charCodeAt(i);
  out[at + width - 1] = 0;
}

function ascii(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}

/** Split a path into ustar's prefix (<= 155) and name (<= 100) at a "/". */
function splitName(path: string): { prefix: string; name: string } {
  if (path.length <= 100) return { prefix: "", name: path };
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
    if (i <= 155 && path.length - i - 1 <= 100)
      return { prefix: path.slice(0, i), name: path.slice(i + 1) };
  }
  throw new RangeError(`tar: path too long for ustar: ${path.slice(0, 60)}...`);
}

/** The 512-byte ustar header of a regular file (mode 0644). */
export function tarHeader(e: TarEntry): Uint8Array {
  if (!SAFE_NAME.test(e.name) || e.name.split("/").includes(".."))
    throw new RangeError(`tar: not a safe relative path: ${JSON.stringify(e.name.slice(0, 60))}`);
  if (!Number.isSafeInteger(e.size) || e.size < 0 || e.size > TAR_MAX_SIZE)
    throw new RangeError(`tar: size out of range: ${e.size}`);
  const h = new Uint8Array(TAR_BLOCK);
  const { prefix, name } = splitName(e.name);
  ascii(h, 0, name);
  octal(h, 100, 8, 0o644); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, e.size);
  octal(h, 136, 12, Math.max(0, Math.floor(e.mtimeMs / 1000)));
  h[156] = 0x30; // typeflag "0": regular file
  ascii(h, 257, "ustar");
  ascii(h, 263, "00"); // version, after the magic's NUL
  ascii(h, 345, prefix);
  // The checksum is the byte sum with its own field read as spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  octal(h, 148, 7, sum);
  h[155] = 0x20;
  return h;
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK);
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * TAR_BLOCK);
}

/** Bytes of the whole archive holding these entries (for Content-Length). */
export function tarSize(entries: readonly Pick<TarEntry, "size">[]): number {
  let total = 2 * TAR_BLOCK;
  for (const e of entries) total += TAR_BLOCK + e.size + tarPadding(e.size).length;
  return total;
}
