/**
 * A small PMTiles v3 archive for tests, written byte by byte from the spec:
 * a 127-byte header, an uncompressed root directory (varint columns), JSON
 * metadata and tiles: raster (a real 256x256 PNG of one colour, so a browser
 * can decode and draw it) or vector (a hand-written MVT). Zoom 0 to
 * `maxZoom`, every tile, all stored once.
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

/** Tile types of the PMTiles v3 header (byte 99). */
const TILE_TYPE = { mvt: 1, png: 2 } as const;

/**
 * An archive of `maxZoom + 1` zoom levels in which every tile is `tile`;
 * returns the file's bytes.
 */
function archive(tile: Buffer, maxZoom: number, type: keyof typeof TILE_TYPE, format: string) {
  // Tile ids of zooms 0..maxZoom are exactly 0..count-1, all the same tile:
  // one directory entry (id 0, run length count, offset 0) covers them, as a
  // real archive deduplicates repeated tiles (the root directory must fit
  // in the first 16 KiB of the file).
  let count = 0;
  for (let z = 0; z <= maxZoom; z++) count += 4 ** z;
  const dir = [...varint(1), ...varint(0), ...varint(count), ...varint(tile.length), ...varint(1)];
  const root = Buffer.from(dir);
  const meta = Buffer.from(JSON.stringify({ name: "test basemap", format }));
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
  u64(40, dataOff + tile.length); // no leaf directories
  u64(48, 0);
  u64(56, dataOff);
  u64(64, tile.length);
  u64(72, count);
  u64(80, 1);
  u64(88, 1);
  header[96] = 1; // clustered: tiles in id order
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = TILE_TYPE[type];
  header[100] = 0;
  header[101] = maxZoom;
  header.writeInt32LE(-180 * 1e7, 102);
  header.writeInt32LE(-85 * 1e7, 106);
  header.writeInt32LE(180 * 1e7, 110);
  header.writeInt32LE(85 * 1e7, 114);
  header[118] = 0;
  return Buffer.concat([header, root, meta, tile]);
}

/** An archive of `maxZoom + 1` zoom levels, every tile the same PNG of one colour. */
export function rasterArchive(maxZoom = 2, rgb: [number, number, number] = [170, 211, 223]) {
  return archive(solidPng(rgb), maxZoom, "png", "png");
}

/**
 * A vector tile (Mapbox Vector Tile 2.1, protobuf written by hand) in the
 * Protomaps basemap's layer names: an `earth` polygon over the left half of
 * the tile and a `water` polygon over the right half, so a renderer that
 * decoded and painted it draws two different colours side by side.
 */
export function halfAndHalfMvt(): Buffer {
  const EXTENT = 4096;
  const zigzag = (n: number) => (n << 1) ^ (n >> 31);
  const field = (no: number, wire: number) => varint((no << 3) | wire);
  const bytesField = (no: number, data: readonly number[]) => [
    ...field(no, 2),
    ...varint(data.length),
    ...data,
  ];
  // A clockwise (in tile coordinates, y down) rectangle: an exterior ring.
  const rect = (x0: number, x1: number) => {
    const pts: [number, number][] = [
      [x0, 0],
      [x1, 0],
      [x1, EXTENT],
      [x0, EXTENT],
    ];
    const geom: number[] = [(1 & 7) | (1 << 3)]; // MoveTo, 1 point
    let cx = 0;
    let cy = 0;
    pts.forEach(([x, y], i) => {
      if (i === 1) geom.push((2 & 7) | (3 << 3)); // LineTo, 3 points
      geom.push(zigzag(x - cx), zigzag(y - cy));
      cx = x;
      cy = y;
    });
    geom.push((7 & 7) | (1 << 3)); // ClosePath
    return geom;
  };
  const layer = (name: string, geom: number[]) => {
    const packed = geom.flatMap(varint);
    const feature = [...field(3, 0), 3, ...bytesField(4, packed)]; // type POLYGON, geometry
    return [
      ...field(15, 0),
      2, // version
      ...bytesField(1, [...Buffer.from(name, "utf8")]),
      ...bytesField(2, feature),
      ...field(5, 0),
      ...varint(EXTENT),
    ];
  };
  return Buffer.from([
    ...bytesField(3, layer("earth", rect(0, EXTENT / 2))),
    ...bytesField(3, layer("water", rect(EXTENT / 2, EXTENT))),
  ]);
}

/** An archive of `maxZoom + 1` zoom levels, every tile {@link halfAndHalfMvt}. */
export function vectorArchive(maxZoom = 2) {
  return archive(halfAndHalfMvt(), maxZoom, "mvt", "pbf");
}
