/**
 * Makes sure dist/web holds a build of the current web/ sources before the
 * browser tests run. Usable as a vitest globalSetup (default export) and
 * callable from a suite's beforeAll. Prefers the project's build.mjs; when
 * that cannot run (for instance while the daemon does not bundle), it builds
 * only the web part with the same esbuild options.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
async function buildWebOnly(): Promise<void> {
  const esbuild = await import("esbuild");
  const out = WEB_DIST;
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

let pending: Promise<void> | null = null;

export function ensureWebBuilt(): Promise<void> {
  pending ??= (async () => {
    if (webBuildIsFresh()) return;
    try {
      execFileSync(process.execPath, ["build.mjs", "--quiet"], {
        cwd: ROOT,
        stdio: "pipe",
        timeout: 120_000,
      });
    } catch {
      // build.mjs also bundles the daemon; fall back to the web part alone.
    }
    if (!webBuildIsFresh()) await buildWebOnly();
  })();
  return pending;
}

export default async function setup(): Promise<void> {
  await ensureWebBuilt();
}
