import { readFileSync } from "node:fs";

declare const __MESHGATE_VERSION__: string | undefined;

/** The build stamps the version in; from source it comes from package.json. */
function readVersion(): string {
  if (typeof __MESHGATE_VERSION__ === "string") return __MESHGATE_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return String(pkg.version);
  } catch {
    return "0.0.0-dev";
  }
}

export const VERSION = readVersion();

/**
 * Node.js lines: the one meshgate ships and tests in full (the image, CI), and
 * the oldest it supports (package.json `engines`, the .deb's dependency on
 * nodejs; test/core/version.test.ts keeps those in step with this).
 */
export const NODE_SHIPPED_MAJOR = 24;
export const NODE_MIN_MAJOR = 22;
