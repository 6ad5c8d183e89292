/**
 * Makes sure the browser tests and the bench serve a build of the current
 * web/ sources. Usable as a vitest globalSetup (default export) and callable
 * from a suite's beforeAll. Prefers the project's build.mjs; when that cannot
 * produce the UI, it builds only the web part with the same esbuild options.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const WEB_DIST = join(ROOT, "dist/web");

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
  return statSync(index).mtimeMs >= newest(join(ROOT, "web"));
}

/** The web half of build.mjs, for when the whole build cannot run. */
async function buildWebOnly(out: string): Promise<void> {
  const esbuild = await import("esbuild");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "assets"), { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(ROOT, "web/src/main.tsx")],
    outdir: join(out, "assets"),
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    // build.mjs says safari14, which esbuild 0.28 cannot lower destructuring
    // to (uPlot and Preact code use it); safari15 is the closest that builds.
    target: ["es2020", "chrome90", "safari15", "firefox90"],
    jsx: "automatic",
    jsxImportSource: "preact",
    loader: { ".png": "file", ".svg": "file", ".woff2": "file" },
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
    absWorkingDir: ROOT,
  });
  const tags: string[] = [];
  for (const file of Object.keys(result.metafile.outputs)) {
    const name = basename(file);
    if (name.endsWith(".css")) tags.push(`<link rel="stylesheet" href="/assets/${name}">`);
    if (name.endsWith(".js")) tags.push(`<script type="module" src="/assets/${name}"></script>`);
  }
  const html = readFileSync(join(ROOT, "web/index.html"), "utf8").replace(
    "<!--ASSETS-->",
    tags.join("\n    "),
  );
  writeFileSync(join(out, "index.html"), html);
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
    try {
      if (!webBuildIsFresh()) throw new Error("stale");
      cpSync(WEB_DIST, copy, { recursive: true });
      if (!complete(copy)) throw new Error("incomplete copy");
    } catch {
      await buildWebOnly(copy);
    }
    return copy;
  })();
  return pending;
}

let distPending: Promise<void> | null = null;

/**
 * For tests that run the real daemon, which serves dist/web itself: runs
 * build.mjs when dist/web is missing or stale, and builds the UI there
 * directly when build.mjs could not.
 */
export function prepareDistWeb(): Promise<void> {
  distPending ??= (async () => {
    if (webBuildIsFresh()) return;
    try {
      execFileSync(process.execPath, ["build.mjs", "--quiet"], {
        cwd: ROOT,
        stdio: "pipe",
        timeout: 180_000,
      });
    } catch {
      // build.mjs also bundles the daemon; a failure there is not ours to report.
    }
    if (!webBuildIsFresh()) await buildWebOnly(WEB_DIST);
  })();
  return distPending;
}

/** As a vitest globalSetup: dist/web up to date before any suite starts. */
export default async function setup(): Promise<void> {
  await prepareDistWeb();
}
