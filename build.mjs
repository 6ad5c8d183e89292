// Builds meshgate: the daemon bundle (dist/meshgate.mjs and the chunk-*.mjs
// files it imports), the store worker (dist/store-worker.mjs), the web UI
// with hashed assets (dist/web/), and copies sql-wasm.wasm and schema/
// beside the bundle. Prints bundle sizes.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const quiet = process.argv.includes("--quiet");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

// Native modules and their loaders stay outside the bundle: they find their
// prebuilt binaries relative to their own package folder.
const external = [
  "@serialport/bindings-cpp",
  "@trufflesuite/uws-js-unofficial",
  "uWebSockets.js",
  "bufferutil",
  "utf-8-validate",
  "playwright-core",
];

// ESM output has no require/__dirname/__filename; some dependencies use them.
const banner = [
  "import { createRequire as __mgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mgFileURLToPath } from 'node:url';",
  "import { dirname as __mgDirname } from 'node:path';",
  "const require = __mgCreateRequire(import.meta.url);",
  "const __filename = __mgFileURLToPath(import.meta.url);",
  "const __dirname = __mgDirname(__filename);",
].join("\n");

// Node's built-in modules are loaded with require(), not as ES modules. An
// ES import of a built-in makes Node build a module facade that reads every
// export once, lazy getters included: `node:http`'s WebSocket getter loads
// undici, http2, tls and readline, which the daemon never uses. Loading them
// cost 2.5 MB of steady RSS and 5 MB of high-water at 100k observations
// (bench/soak.ts --smaps; test/system/bundle.test.ts checks they stay out).
const builtinsViaRequire = {
  name: "builtins-via-require",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "import-statement" ? { path: args.path, namespace: "node-builtin" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

// The ws package (the /ws live feed on the node:http engine) requires tls and
// https at load for its client side, which the daemon's server never uses:
// 2.9 MB of RSS in a bare node with the daemon's other built-ins (bench/
// soak.ts --smaps). Inside ws they load on first use instead (an MQTT
// broker over wss:// uses them; test/system/bundle.test.ts checks a daemon
// without one never loads them).
const LAZY_IN_WS = /[\\/]node_modules[\\/]ws[\\/]/;
const lazyClientBuiltins = {
  name: "lazy-client-builtins",
  setup(build) {
    build.onResolve({ filter: /^(tls|https)$/ }, (args) =>
      LAZY_IN_WS.test(args.importer) ? { path: args.path, namespace: "lazy-builtin" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: [
        "let loaded;",
        `const load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));`,
        "module.exports = new Proxy({}, { get: (_t, k) => load()[k], has: (_t, k) => k in load() });",
      ].join("\n"),
      loader: "js",
    }));
  },
};

const sizes = [];
/** The daemon files `meshgate run` loads before any import() of its own. */
let daemonStart = [];
function record(file, lazy = false) {
  const buf = readFileSync(file);
  sizes.push({
    file: file.slice(root.length + 1),
    bytes: buf.length,
    gzip: gzipSync(buf).length,
    ...(lazy ? { lazy: true } : {}),
  });
}

// Daemon chunks are written beside the entry, in dist/ itself: code finds
// dist/web, dist/schema, dist/sql-wasm.wasm and dist/store-worker.mjs
// relative to its own file (import.meta.url), whichever chunk it lands in.
const CHUNK_PREFIX = "chunk-";
const isChunk = (name) => name.startsWith(CHUNK_PREFIX) && /\.mjs(\.map)?$/.test(name);

/** Options the daemon bundle and the store worker share. */
const nodeOptions = {
  outdir: dist,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // The daemon keeps its bundle's source text in memory for as long as it
  // runs (V8 compiles functions lazily from it). Without whitespace and
  // comments it is 1.5 MB instead of 2.3, and ASCII-only: a few non-ASCII
  // characters in dependencies' comments made V8 hold all of it as UTF-16,
  // 4.7 MB (bench/soak.ts --smaps). Names are kept; the .map gives lines.
  minifyWhitespace: true,
  external,
  banner: { js: banner },
  plugins: [builtinsViaRequire, lazyClientBuiltins],
  define: { __MESHGATE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
  legalComments: "none",
};

/**
 * The output files that loading `file` reads, from esbuild's metafile
 * `outputs`: the file and, transitively, what it imports statically (added
 * to `into`). Files reached only through import() load when first used.
 */
function staticLoad(outputs, file, into = new Set()) {
  if (into.has(file)) return into;
  into.add(file);
  for (const imp of outputs[file]?.imports ?? [])
    if (imp.kind === "import-statement" && !imp.external) staticLoad(outputs, imp.path, into);
  return into;
}

async function buildDaemon() {
  // Split: code reached only through import() (each command's module, the
  // mqtt package: daemon/mqtt/load.ts) becomes a chunk file that Node reads
  // when it is first imported; the source of code never imported is never
  // read into memory.
  const result = await esbuild.build({
    ...nodeOptions,
    entryPoints: { meshgate: join(root, "daemon/main.ts") },
    splitting: true,
    chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  // Chunks of earlier builds (other hashes) are removed after this build has
  // written its own, so a daemon running from dist/ meanwhile keeps finding
  // the chunks of an unchanged build.
  const written = new Set(Object.keys(outputs).map((f) => basename(f)));
  for (const name of readdirSync(dist))
    if (isChunk(name) && !written.has(name)) rmSync(join(dist, name));
  const loads = (file, into) => staticLoad(outputs, file, into);
  const files = Object.keys(outputs).filter((f) => f.endsWith(".mjs"));
  const entry = files.find((f) => resolve(f) === join(dist, "meshgate.mjs"));
  const run = files.find((f) => outputs[f].entryPoint?.endsWith("daemon/cli/run.ts"));
  const first = loads(entry);
  // Lazy: read only when an import() first asks for it.
  for (const file of [entry, ...files.filter((f) => f !== entry)])
    record(resolve(file), !first.has(file));
  if (run) daemonStart = [...loads(run, new Set(first))].map((f) => resolve(f));

  // The store worker is built on its own, so it shares no chunk with the
  // daemon and stays one file.
  const worker = join(root, "daemon/store/worker.ts");
  if (existsSync(worker)) {
    await esbuild.build({ ...nodeOptions, entryPoints: { "store-worker": worker } });
    record(join(dist, "store-worker.mjs"));
  }
  cpSync(join(root, "node_modules/sql.js/dist/sql-wasm.wasm"), join(dist, "sql-wasm.wasm"));
  rmSync(join(dist, "schema"), { recursive: true, force: true });
  cpSync(join(root, "schema"), join(dist, "schema"), { recursive: true });
}

async function buildWeb() {
  const entry = join(root, "web/src/main.tsx");
  const template = join(root, "web/index.html");
  const out = join(dist, "web");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "assets"), { recursive: true });
  if (!existsSync(entry) || !existsSync(template)) return;
  const result = await esbuild.build({
    entryPoints: [entry],
    outdir: join(out, "assets"),
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    // Code behind import() (the offline map layer) becomes its own chunk.
    splitting: true,
    chunkNames: "[name]-[hash]",
    target: ["es2020", "chrome90", "safari15", "firefox90"],
    jsx: "automatic",
    jsxImportSource: "preact",
    loader: { ".png": "file", ".svg": "file", ".woff2": "file" },
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  });
  // The first load is the entry, its CSS and the chunks it imports statically
  // (preloaded); chunks reached only through import() load when used.
  const outputs = result.metafile.outputs;
  const main = Object.keys(outputs).find((f) => outputs[f].entryPoint && f.endsWith(".js"));
  const first = main ? staticLoad(outputs, main) : new Set();
  if (main && outputs[main].cssBundle) first.add(outputs[main].cssBundle);
  const tags = [];
  for (const file of Object.keys(outputs)) {
    const name = basename(file);
    if (name.endsWith(".map")) continue;
    record(join(root, file), !first.has(file));
    if (!first.has(file)) continue;
    if (name.endsWith(".css")) tags.push(`<link rel="stylesheet" href="/assets/${name}">`);
    else if (file === main) tags.push(`<script type="module" src="/assets/${name}"></script>`);
    else if (name.endsWith(".js")) tags.push(`<link rel="modulepreload" href="/assets/${name}">`);
  }
  const html = readFileSync(template, "utf8").replace("<!--ASSETS-->", tags.join("\n    "));
  writeFileSync(join(out, "index.html"), html);
  if (existsSync(join(root, "web/public"))) {
    cpSync(join(root, "web/public"), out, { recursive: true });
  }
}

const started = Date.now();
mkdirSync(dist, { recursive: true });
await buildDaemon();
await buildWeb();
writeFileSync(
  join(dist, "build-info.json"),
  JSON.stringify({ version: pkg.version, builtAt: new Date().toISOString(), sizes }, null, 2),
);
if (!quiet) {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`meshgate ${pkg.version} built in ${Date.now() - started} ms`);
  console.log(`${pad("file", 48)} ${pad("bytes", 10)} gzip`);
  for (const s of sizes)
    console.log(
      `${pad(s.file, 48)} ${pad(s.bytes, 10)} ${pad(s.gzip, 8)}${s.lazy && /\.m?js$/.test(s.file) ? " lazy" : ""}`,
    );
  if (daemonStart.length) {
    const bytes = daemonStart.reduce((a, f) => a + readFileSync(f).length, 0);
    console.log(
      `daemon source loaded by \`meshgate run\`: ${bytes} bytes in ${daemonStart.length} files`,
    );
  }
  const web = sizes.filter(
    (s) => s.file.startsWith("dist/web/") && /\.(js|css)$/.test(s.file) && !s.lazy,
  );
  if (web.length) {
    const gz = web.reduce((a, s) => a + s.gzip, 0);
    console.log(`web first load (js+css): ${gz} bytes gzip`);
  }
}
