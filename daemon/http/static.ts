/**
 * The web UI bundle: index.html for "/" and any unknown non-API path (the UI
 * routes on the client), long-lived caching for content-hashed assets, no
 * caching for index.html. A request can never read outside the folder:
 * ".." segments (plain or percent-encoded), backslashes and NUL bytes are
 * refused, and symlinks are resolved before the containment check.
 */
import type { Stats } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { EngineResponse } from "./engine.ts";
import { HttpError } from "./http-error.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg)/;
/**
 * Gzip forms kept in memory, in bytes across all files; past it the cache
 * starts over. The UI's first load is about 0.1 MB of gzip; the plain bytes
 * are read from disk per request (the OS page cache keeps them, outside the
 * daemon's memory), and source maps are never cached.
 */
const CACHE_BUDGET = 2 * 1024 * 1024;

interface Cached {
  readonly mtimeMs: number;
  readonly size: number;
  /** Gzip form when it is worth sending, else null. */
  readonly gz: Buffer | null;
}

/** esbuild's `[name]-[hash]` asset names: an 8+ char base32 hash before the extension. */
const HASHED = /-[A-Z0-9]{8,}\.[a-z0-9]+$/;

export const NO_UI_PAGE =
  "<!doctype html><meta charset=utf-8><title>meshgate</title><p>meshgate is running. The web UI is not built; the API is at <a href=/api/health>/api/health</a>.";

/** Decode and check a request path; returns safe relative segments. */
export function safeSegments(rawPath: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError(400, "E_BAD_PATH", "path: malformed percent-encoding");
  }
  if (decoded.includes("\0") || decoded.includes("\\")) {
    throw new HttpError(400, "E_BAD_PATH", "path: forbidden character");
  }
  const segments = decoded.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === ".."))
    throw new HttpError(400, "E_BAD_PATH", "path: '..' is not allowed");
  return segments;
}

export class StaticFiles {
  private rootReal: string | null = null;
  private readonly cache = new Map<string, Cached>();
  private cachedBytes = 0;

  constructor(private readonly root: string | null) {}

  private async realRoot(): Promise<string | null> {
    if (this.root === null) return null;
    if (this.rootReal === null) {
      try {
        this.rootReal = await realpath(this.root);
      } catch {
        return null;
      }
    }
    return this.rootReal;
  }

  /** Resolve `segments` to a file inside the root, or null. */
  private async resolveFile(
    root: string,
    segments: readonly string[],
  ): Promise<{ file: string; st: Stats } | null> {
    if (segments.length === 0) return null;
    try {
      const real = await realpath(join(root, ...segments));
      if (!real.startsWith(root + sep)) return null;
      const st = await stat(real);
      return st.isFile() ? { file: real, st } : null;
    } catch {
      return null;
    }
  }

  /**
   * The gzip form of a text file, compressed once and kept (not on every
   * page load: a Pi compresses slowly), or null when not worth it.
   */
  private async gzipped(file: string, st: Stats, type: string): Promise<Buffer | null> {
    if (!COMPRESSIBLE.test(type) || st.size <= 1024 || file.endsWith(".map")) return null;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.gz;
    const body = await readFile(file);
    const z = await gzipAsync(body);
    const gz = z.length < body.length * 0.9 ? z : null;
    this.cachedBytes += gz?.length ?? 0;
    if (this.cachedBytes > CACHE_BUDGET) {
      this.cache.clear();
      this.cachedBytes = gz?.length ?? 0;
    }
    this.cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, gz });
    return gz;
  }

  private async fileResponse(
    found: { file: string; st: Stats },
    headers: Record<string, string>,
    cacheControl: string,
    acceptEncoding: string | undefined,
  ): Promise<EngineResponse> {
    const type = TYPES[extname(found.file).toLowerCase()] ?? "application/octet-stream";
    const gz = await this.gzipped(found.file, found.st, type);
    const out: Record<string, string> = {
      ...headers,
      "content-type": type,
      "cache-control": cacheControl,
    };
    if (gz) out.vary = out.vary ? `${out.vary}, Accept-Encoding` : "Accept-Encoding";
    if (gz && /\bgzip\b/.test(acceptEncoding ?? "")) {
      return { status: 200, headers: { ...out, "content-encoding": "gzip" }, body: gz };
    }
    return { status: 200, headers: out, body: await readFile(found.file) };
  }

  async serve(
    rawPath: string,
    headers: Record<string, string>,
    acceptEncoding?: string,
  ): Promise<EngineResponse> {
    const segments = safeSegments(rawPath);
    const root = await this.realRoot();
    if (root === null) {
      return {
        status: 200,
        headers: {
          ...headers,
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
        },
        body: NO_UI_PAGE,
      };
    }
    const found = await this.resolveFile(root, segments);
    if (found && !found.file.endsWith(`${sep}index.html`)) {
      const name = segments[segments.length - 1] ?? "";
      const cc = HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache";
      return this.fileResponse(found, headers, cc, acceptEncoding);
    }
    // A missing asset is a real 404 (a stale page asking for an old hash);
    // anything else is a client-side route of the single-page UI.
    if (segments[0] === "assets") throw new HttpError(404, "E_NOT_FOUND", "asset not found");
    const index = await this.resolveFile(root, ["index.html"]);
    if (index) return this.fileResponse(index, headers, "no-cache", acceptEncoding);
    return {
      status: 200,
      headers: { ...headers, "content-type": TYPES[".html"]!, "cache-control": "no-cache" },
      body: NO_UI_PAGE,
    };
  }
}
