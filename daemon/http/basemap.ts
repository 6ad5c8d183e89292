/**
 * The offline basemap: one PMTiles archive of the operator's region in the
 * data directory (`<dataDir>/map/basemap.pmtiles`), served at BASEMAP_PATH
 * with HTTP Range requests, which is all a PMTiles reader needs (a header,
 * directories and tiles, each one byte range). Only the requested range is
 * read from disk, so a 1 GB extract costs no more memory than a tile.
 */
import { open, stat } from "node:fs/promises";
import type { HttpDeps } from "./context.ts";
import type { BasemapInfo, BasemapMode } from "./contract/index.ts";
import type { EngineResponse } from "./engine.ts";
import { HttpError } from "./http-error.ts";

export const BASEMAP_PATH = "/tiles/basemap.pmtiles";
/** Where the archive lives, relative to the data directory. */
export const BASEMAP_FILE = ["map", "basemap.pmtiles"] as const;
/** Largest range served in one answer (PMTiles readers ask for 16 KiB to a few hundred KiB). */
export const MAX_RANGE_BYTES = 4 * 1024 * 1024;

export type ByteRange = { readonly start: number; readonly end: number };

/**
 * One "bytes=a-b", "bytes=a-" or "bytes=-n" range of a `size`-byte file
 * (inclusive end), or "unsatisfiable". Several ranges in one header are not
 * supported (PMTiles readers never send them): the first is used.
 */
export function parseRange(header: string, size: number): ByteRange | "unsatisfiable" {
  const m = /^bytes=(\d*)-(\d*)/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "unsatisfiable";
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

export class Basemap {
  constructor(
    private readonly mode: BasemapMode,
    /** Full path of the archive (under the data directory), or null when there is none. */
    private readonly file: string | null,
  ) {}

  /** What the map page needs to know: GET /api/map/basemap. */
  async info(): Promise<BasemapInfo> {
    if (this.mode !== "offline") return { mode: this.mode, url: null, bytes: null, problem: null };
    const size = await this.size();
    if (size === null)
      return {
        mode: "offline",
        url: null,
        bytes: null,
        problem: "no map/basemap.pmtiles in the data directory",
      };
    return { mode: "offline", url: BASEMAP_PATH, bytes: size, problem: null };
  }

  private async size(): Promise<number | null> {
    if (this.file === null) return null;
    try {
      const st = await stat(this.file);
      return st.isFile() ? st.size : null;
    } catch {
      return null;
    }
  }

  /** GET BASEMAP_PATH with an optional Range header. */
  async serve(range: string | undefined, headers: Record<string, string>): Promise<EngineResponse> {
    const size = this.mode === "offline" ? await this.size() : null;
    if (size === null || this.file === null)
      throw new HttpError(404, "E_NO_BASEMAP", "no offline basemap (http.basemap is not offline)");
    const common = {
      ...headers,
      "content-type": "application/vnd.pmtiles",
      "accept-ranges": "bytes",
      "cache-control": "no-cache",
    };
    let r: ByteRange;
    if (range === undefined) {
      if (size > MAX_RANGE_BYTES)
        throw new HttpError(
          416,
          "E_RANGE_REQUIRED",
          `basemap: ${size} bytes; ask for ranges of at most ${MAX_RANGE_BYTES} bytes`,
          { headers: { "content-range": `bytes */${size}`, "accept-ranges": "bytes" } },
        );
      r = { start: 0, end: size - 1 };
    } else {
      const parsed = parseRange(range, size);
      if (parsed === "unsatisfiable")
        throw new HttpError(416, "E_RANGE", `range "${range.slice(0, 60)}" not satisfiable`, {
          headers: { "content-range": `bytes */${size}`, "accept-ranges": "bytes" },
        });
      // A longer range is cut short; Content-Range says so and the reader asks again.
      r = { start: parsed.start, end: Math.min(parsed.end, parsed.start + MAX_RANGE_BYTES - 1) };
    }
    const body = Buffer.alloc(r.end - r.start + 1);
    let done = 0;
    const fh = await open(this.file, "r");
    try {
      while (done < body.length) {
        const { bytesRead } = await fh.read(body, done, body.length - done, r.start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    const sent = done < body.length ? body.subarray(0, done) : body;
    if (range === undefined) return { status: 200, headers: common, body: sent };
    return {
      status: 206,
      headers: {
        ...common,
        "content-range": `bytes ${r.start}-${r.start + sent.length - 1}/${size}`,
      },
      body: sent,
    };
  }
}

/** The basemap the config and the data directory describe (stateless: cheap to make per request). */
export function basemapOf(deps: HttpDeps): Basemap {
  return new Basemap(deps.config.basemap ?? "online", deps.basemapFile ?? null);
}
