/** Byte-level bits the scripted peers and firmware tests write by hand. */

/** v as four little-endian bytes. */
export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
