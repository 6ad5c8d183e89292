/**
 * A small PMTiles v3 archive for tests, written byte by byte from the spec:
 * a 127-byte header, an uncompressed root directory (varint columns), JSON
 * metadata and raster tiles. Each tile is a real 256x256 PNG of one colour,
 * so a browser can decode and draw it. Zoom 0 to `maxZoom`, every tile.
 */
import { crc32, deflateSync } from "node:zlib";

/** A solid-colour 256x256 RGB PNG. */
export function solidPng(rgb: readonly [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(256, 0);
  ihdr.writeUInt32BE(256, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter method, no interlace
  const row = Buffer.alloc(1 + 256 * 3);
  for (let x = 0; x < 256; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: 256 }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The tile id of z/x/y: tiles of lower zooms first, then the Hilbert index within the zoom. */
export function tileId(z: number, x: number, y: number): number {
  let acc = 0;
  for (let i = 0; i < z; i++) acc += 4 ** i;
  const n = 2 ** z;
  let d = 0;
  let tx = x;
  let ty = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (tx & s) > 0 ? 1 : 0;
    const ry = (ty & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        tx = s - 1 - tx;
        ty = s - 1 - ty;
      }
      [tx, ty] = [ty, tx];
    }
  }
  return acc + d;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** An archive of `maxZoom + 1` zoom levels, every tile the same PNG; returns the file's bytes. */
export function rasterArchive(maxZoom = 2, rgb: [number, number, number] = [170, 211, 223]) {
  const png = solidPng(rgb);
  const ids: number[] = [];
  for (let z = 0; z <= maxZoom; z++)
    for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) ids.push(tileId(z, x, y));
  ids.sort((a, b) => a - b);
  // One tile content; each entry points at it (offset 0, run length 1).
  const dir: number[] = [...varint(ids.length)];
  let last = 0;
  for (const id of ids) {
    dir.push(...varint(id - last));
    last = id;
  }
  for (const _ of ids) dir.push(...varint(1));
  for (const _ of ids) dir.push(...varint(png.length));
  // Offsets: "offset + 1" (here 0 + 1) since no entry follows on from the previous one.
  for (const _ of ids) dir.push(...varint(1));
  const root = Buffer.from(dir);
  const meta = Buffer.from(JSON.stringify({ name: "test basemap", format: "png" }));
  const header = Buffer.alloc(127);
  header.write("PMTiles", 0, "ascii");
  header[7] = 3;
  const rootOff = 127;
  const metaOff = rootOff + root.length;
  const dataOff = metaOff + meta.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOff);
  u64(16, root.length);
  u64(24, metaOff);
  u64(32, meta.length);
  u64(40, dataOff + png.length); // no leaf directories
  u64(48, 0);
  u64(56, dataOff);
  u64(64, png.length);
  u64(72, ids.length);
  u64(80, ids.length);
  u64(88, 1);
  header[96] = 0; // not clustered: entries share one tile
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = 2; // tile type: png
  header[100] = 0;
  header[101] = maxZoom;
  header.writeInt32LE(-180 * 1e7, 102);
  header.writeInt32LE(-85 * 1e7, 106);
  header.writeInt32LE(180 * 1e7, 110);
  header.writeInt32LE(85 * 1e7, 114);
  header[118] = 0;
  return Buffer.concat([header, root, meta, png]);
}
