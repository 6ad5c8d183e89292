// Official Node.js binaries from the npm registry: the packages
// node-linux-<arch>@<major> carry the release build's bin/node. CI runs the
// suite on them, the arm64 smoke test runs one under qemu, the Pi image
// ships one. Cached per arch and major line; `npm pack` is the only client.
//
//   node packaging/fetch-node.mjs <arch> <major>   prints the bin folder
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The cache folder of node-linux-<arch>@<major>; bin/node inside once fetched. */
export function nodeCacheDir(arch, major) {
  return join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
    "meshgate",
    `node-linux-${arch}-${major}`,
    "package",
  );
}

/** Path of the cached binary, fetching it first when absent. */
export function fetchNode(arch, major) {
  const pkgDir = nodeCacheDir(arch, major);
  const bin = join(pkgDir, "bin/node");
  if (existsSync(bin)) return bin;
  const dir = join(pkgDir, "..");
  mkdirSync(dir, { recursive: true });
  const out = execFileSync(
    "npm",
    ["pack", `node-linux-${arch}@${major}`, "--pack-destination", dir, "--silent"],
    { encoding: "utf8", cwd: dir },
  ).trim();
  const file = join(dir, out.split("\n").pop() ?? "");
  execFileSync("tar", ["-xzf", file, "-C", dir, "package/bin/node", "package/package.json"]);
  rmSync(file);
  const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
  if (!String(version).startsWith(`${major}.`))
    throw new Error(`node-linux-${arch}@${major} gave version ${version}`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [arch, major] = process.argv.slice(2);
  if (!arch || !/^\d+$/.test(major ?? "")) {
    console.error("usage: node packaging/fetch-node.mjs <x64|arm64> <major>");
    process.exit(2);
  }
  console.log(join(fetchNode(arch, major), ".."));
}
