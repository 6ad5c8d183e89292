/**
 * The offline basemap on both engines: GET /api/map/basemap names the mode,
 * the PMTiles archive is served with HTTP Range (206 + Content-Range, 416 for
 * a range past the end), and the `pmtiles` reader the map page uses reads
 * the header and a tile through it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PMTiles, TileType } from "pmtiles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASEMAP_PATH, MAX_RANGE_BYTES, parseRange } from "../../daemon/http/basemap.ts";
import type { BasemapInfo } from "../../daemon/http/contract/index.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";
import { rasterArchive, solidPng } from "../support/web/pmtiles.ts";

describe("parseRange", () => {
  it("reads the three forms and refuses what a file cannot satisfy", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-10", 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange("bytes=990-5000", 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=50-10", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 1000)).toBe("unsatisfiable");
    expect(parseRange("items=0-1", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-", 1000)).toBe("unsatisfiable");
  });
});

describe.each(ENGINES)("offline basemap on %s", (engine) => {
  let dir = "";
  let archive: Buffer;
  let offline: TestServer;
  let online: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mg-basemap-"));
    archive = rasterArchive(6);
    const file = join(dir, "basemap.pmtiles");
    writeFileSync(file, archive);
    offline = await startServer(engine, { config: { basemap: "offline" }, basemapFile: file });
    online = await startServer(engine, { basemapFile: file });
  });
  afterAll(async () => {
    await offline.close();
    await online.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says where the tiles come from", async () => {
    const a = (await (await fetch(`${offline.base}/api/map/basemap`)).json()) as BasemapInfo;
    expect(a).toEqual({ mode: "offline", url: BASEMAP_PATH, bytes: archive.length, problem: null });
    const b = (await (await fetch(`${online.base}/api/map/basemap`)).json()) as BasemapInfo;
    expect(b).toEqual({ mode: "online", url: null, bytes: null, problem: null });
    // Online mode never serves the archive, even when the file is there.
    expect((await fetch(`${online.base}${BASEMAP_PATH}`)).status).toBe(404);
  });

  it("answers a range with 206 and exactly those bytes", async () => {
    const r = await fetch(`${offline.base}${BASEMAP_PATH}`, { headers: { range: "bytes=7-126" } });
    expect(r.status).toBe(206);
    expect(r.headers.get("content-range")).toBe(`bytes 7-126/${archive.length}`);
    expect(r.headers.get("accept-ranges")).toBe("bytes");
    expect(r.headers.get("content-type")).toBe("application/vnd.pmtiles");
    expect(Buffer.from(await r.arrayBuffer())).toEqual(archive.subarray(7, 127));
    const tail = await fetch(`${offline.base}${BASEMAP_PATH}`, { headers: { range: "bytes=-5" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(archive.subarray(archive.length - 5));
  });

  it("answers the whole small file without a range, 416 past its end", async () => {
    const r = await fetch(`${offline.base}${BASEMAP_PATH}`);
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer())).toEqual(archive);
    const past = await fetch(`${offline.base}${BASEMAP_PATH}`, {
      headers: { range: `bytes=${archive.length}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${archive.length}`);
    expect(((await past.json()) as { code: string }).code).toBe("E_RANGE");
  });

  it("is read by the pmtiles reader: header, then a tile", async () => {
    const p = new PMTiles(`${offline.base}${BASEMAP_PATH}`);
    const h = await p.getHeader();
    expect(h.tileType).toBe(TileType.Png);
    expect(h.maxZoom).toBe(6);
    for (const [z, x, y] of [
      [0, 0, 0],
      [2, 1, 3],
      [6, 63, 0],
    ] as const) {
      const tile = await p.getZxy(z, x, y);
      expect(tile && Buffer.from(tile.data)).toEqual(solidPng([170, 211, 223]));
    }
    expect(await p.getZxy(7, 0, 0)).toBeUndefined();
  });
});

describe("a large archive", () => {
  it("needs ranges, and cuts a long one to the per-answer limit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mg-basemap-big-"));
    const file = join(dir, "big.pmtiles");
    writeFileSync(file, Buffer.alloc(MAX_RANGE_BYTES + 10, 7));
    const t = await startServer("node", { config: { basemap: "offline" }, basemapFile: file });
    try {
      const whole = await fetch(`${t.base}${BASEMAP_PATH}`);
      expect(whole.status).toBe(416);
      expect(((await whole.json()) as { code: string }).code).toBe("E_RANGE_REQUIRED");
      const r = await fetch(`${t.base}${BASEMAP_PATH}`, { headers: { range: "bytes=0-" } });
      expect(r.status).toBe(206);
      expect(r.headers.get("content-range")).toBe(
        `bytes 0-${MAX_RANGE_BYTES - 1}/${MAX_RANGE_BYTES + 10}`,
      );
      expect((await r.arrayBuffer()).byteLength).toBe(MAX_RANGE_BYTES);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("offline with no archive says what is missing", async () => {
    const t = await startServer("node", { config: { basemap: "offline" }, basemapFile: null });
    try {
      const a = (await (await fetch(`${t.base}/api/map/basemap`)).json()) as BasemapInfo;
      expect(a.mode).toBe("offline");
      expect(a.url).toBeNull();
      expect(a.problem).toMatch(/basemap\.pmtiles/);
      expect((await fetch(`${t.base}${BASEMAP_PATH}`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
