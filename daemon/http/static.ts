/**
 * The web UI bundle: index.html for "/" and any unknown non-API path (the UI
 * routes on the client), long-lived caching for content-hashed assets, no
 * caching for index.html. A request can never read outside the folder:
 * ".." segments (plain or percent-encoded), backslashes and NUL bytes are
 * refused, and symlinks are resolved before the containment check.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
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
  private async resolveFile(root: string, segments: readonly string[]): Promise<string | null> {
    if (segments.length === 0) return null;
    try {
      const real = await realpath(join(root, ...segments));
      if (!real.startsWith(root + sep)) return null;
      const st = await stat(real);
      return st.isFile() ? real : null;
    } catch {
      return null;
    }
  }

  async serve(rawPath: string, headers: Record<string, string>): Promise<EngineResponse> {
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
    const file = await this.resolveFile(root, segments);
    if (file && !file.endsWith(`${sep}index.html`)) {
      const name = segments[segments.length - 1] ?? "";
      return {
        status: 200,
        headers: {
          ...headers,
          "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
          "cache-control": HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache",
        },
        body: await readFile(file),
      };
    }
    // A missing asset is a real 404 (a stale page asking for an old hash);
    // anything else is a client-side route of the single-page UI.
    if (segments[0] === "assets") throw new HttpError(404, "E_NOT_FOUND", "asset not found");
    try {
      const body = await readFile(join(root, "index.html"));
      return {
        status: 200,
        headers: { ...headers, "content-type": TYPES[".html"]!, "cache-control": "no-cache" },
        body,
      };
    } catch {
      return {
        status: 200,
        headers: { ...headers, "content-type": TYPES[".html"]!, "cache-control": "no-cache" },
        body: NO_UI_PAGE,
      };
    }
  }
}
