/**
 * Makes sure the browser tests and the bench serve a build of the current
 * web/ sources. Usable as a vitest globalSetup (default export) and callable
 * from a suite's beforeAll. Builds with the project's build.mjs.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../paths.ts";

export const WEB_DIST = join(REPO_ROOT, "dist/web");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function webBuildIsFresh(): boolean {
  const index = join(WEB_DIST, "index.html");
  if (!existsSync(index)) return false;
  const html = readFileSync(index, "utf8");
  if (!html.includes("/assets/")) return false;
  return statSync(index).mtimeMs >= newest(join(REPO_ROOT, "web"));
}

/** Runs the project's build (daemon and UI); a failure is reported with esbuild's output. */
function runBuild(): void {
  try {
    execFileSync(process.execPath, ["build.mjs", "--quiet"], {
      cwd: REPO_ROOT,
      stdio: "pipe",
      timeout: 180_000,
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`node build.mjs failed:\n${stderr}`);
  }
}

/** index.html and every asset it links are present. */
function complete(dir: string): boolean {
  const index = join(dir, "index.html");
  if (!existsSync(index)) return false;
  const assets = [...readFileSync(index, "utf8").matchAll(/"\/(assets\/[^"]+)"/g)].map(
    (m) => m[1]!,
  );
  return assets.length > 0 && assets.every((a) => existsSync(join(dir, a)));
}

let pending: Promise<string> | null = null;

/**
 * A private copy of the current UI for this process to serve: dist/web when
 * it is fresh, else built from web/ directly. Private because other suites
 * (and the real-daemon suite) rebuild dist/ while tests run, and a folder
 * emptied mid-test would fail them for nothing.
 */
export function prepareWeb(): Promise<string> {
  pending ??= (async () => {
    const copy = mkdtempSync(join(tmpdir(), "meshgate-web-"));
    // Another suite may rebuild dist/ while we copy it: try again then.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!webBuildIsFresh()) runBuild();
      rmSync(copy, { recursive: true, force: true });
      cpSync(WEB_DIST, copy, { recursive: true });
      if (complete(copy)) return copy;
    }
    throw new Error("could not copy a complete build of the UI from dist/web");
  })();
  return pending;
}

let distPending: Promise<void> | null = null;

/**
 * For tests that run the real daemon, which serves dist/web itself: runs
 * build.mjs when dist/web is missing or stale.
 */
export function prepareDistWeb(): Promise<void> {
  distPending ??= (async () => {
    if (webBuildIsFresh()) return;
    runBuild();
    if (!webBuildIsFresh()) throw new Error("node build.mjs left dist/web missing or stale");
  })();
  return distPending;
}

/** As a vitest globalSetup: dist/web up to date before any suite starts. */
export default async function setup(): Promise<void> {
  await prepareDistWeb();
}
