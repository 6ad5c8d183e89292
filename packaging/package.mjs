// `npm run package`: per-architecture release tarballs and .deb packages.
//
// release/meshgate-<version>-linux-<arch>.tar.gz holds the esbuild bundle,
// the web assets, sql-wasm.wasm, schema/, a launcher, the serialport native
// binding for that architecture (glibc and musl prebuilds: the tarball is
// also the OpenWrt install) and the uWebSockets.js binary where one exists.
// The .deb (packaging/deb.mjs) installs the same tree, with the glibc builds
// only, to /usr/lib/meshgate with a systemd unit, /etc/meshgate, a system
// user, the copyright file, changelog and meshgate(8).
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDeb } from "./deb.mjs";
import { unitNodeFlags } from "./unit-flags.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/** Where the files go: release/, or --out=DIR (tests build into a temp dir). */
const out = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? join(root, "release");

/** Release targets: serialport prebuild folder and file prefix, uWS arch, Debian arch. */
export const TARGETS = {
  "linux-x64": { prebuilds: "linux-x64", prefix: "", uws: "linux_x64", deb: "amd64" },
  "linux-arm64": { prebuilds: "linux-arm64", prefix: "armv8.", uws: "linux_arm64", deb: "arm64" },
  "linux-armv7": { prebuilds: "linux-arm", prefix: "armv7.", uws: "linux_arm", deb: "armhf" },
};

/**
 * The uWebSockets.js build a release carries: the binaries for the Node ABI
 * of the runtime meshgate ships (Node 24, ABI 137) from the build that has
 * them (daemon/http/engine-select.ts lists both builds; a test keeps this in
 * step). It exists for x64 and arm64 and needs glibc 2.38 (Debian 13, Pi OS
 * trixie); elsewhere, and on Node 22, `http.engine: auto` serves with
 * node:http, so the binary is optional and left out of the .deb's library
 * dependencies.
 */
export const UWS_RELEASE = { pkg: "@btc-vision/uwebsockets.js", dir: "", abi: 137 };

/** The externals the bundle loads at run time, with their run-time dependencies. */
const RUNTIME_PACKAGES = [
  "@serialport/bindings-cpp",
  "@serialport/bindings-interface",
  "@serialport/parser-readline",
  "@serialport/parser-delimiter",
  "debug",
  "ms",
  "node-gyp-build",
];

function copyPackage(name, dest, filter = () => true) {
  const src = join(root, "node_modules", name);
  if (!existsSync(src)) throw new Error(`missing node_modules/${name}: run npm ci first`);
  cpSync(src, join(dest, "node_modules", name), {
    recursive: true,
    filter: (p) => !p.includes(`${name}/node_modules`) && filter(p),
  });
}

/**
 * Copies the run-time tree for `target` into `dir`. With `deb`, only the
 * glibc native builds and no launcher, unit, OpenWrt files or README (the
 * .deb puts those in their Debian places).
 */
export function stage(target, dir, { deb = false } = {}) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The daemon's source maps ship (its entry and its chunks, for stack traces
  // under --enable-source-maps); the worker's and the web UI's do not.
  cpSync(join(root, "dist"), join(dir, "dist"), {
    recursive: true,
    filter: (p) => !p.endsWith(".map") || /\/(meshgate|chunk-[^/]+)\.mjs\.map$/.test(p),
  });
  for (const name of RUNTIME_PACKAGES) {
    copyPackage(name, dir, (p) => {
      const rel = p.split(`${name}/`)[1] ?? "";
      // Only this target's serialport prebuilds (glibc and musl; glibc only in the .deb).
      if (rel.startsWith("prebuilds/")) {
        const [, folder, file] = rel.split("/");
        if (folder !== t.prebuilds) return false;
        if (file === undefined) return true;
        const libcs = deb ? ["glibc"] : ["glibc", "musl"];
        return libcs.some((libc) => file === `@serialport+bindings-cpp.${t.prefix}${libc}.node`);
      }
      // The binding's C++ sources are not needed at run time (other packages keep src/: debug lives there).
      if (name === "@serialport/bindings-cpp")
        return rel !== "src" && !rel.startsWith("src/") && rel !== "binding.gyp";
      return true;
    });
  }
  const uwsDir = join(root, "node_modules", UWS_RELEASE.pkg);
  const uwsFile = `uws_${t.uws}_${UWS_RELEASE.abi}.node`;
  const uwsBinaries = existsSync(join(uwsDir, UWS_RELEASE.dir, uwsFile)) ? [uwsFile] : [];
  if (uwsBinaries.length > 0) {
    const dest = join(dir, "node_modules", UWS_RELEASE.pkg);
    mkdirSync(join(dest, UWS_RELEASE.dir), { recursive: true });
    cpSync(join(uwsDir, "package.json"), join(dest, "package.json"));
    if (existsSync(join(uwsDir, "LICENSE"))) cpSync(join(uwsDir, "LICENSE"), join(dest, "LICENSE"));
    cpSync(join(uwsDir, UWS_RELEASE.dir, uwsFile), join(dest, UWS_RELEASE.dir, uwsFile));
  }
  writeFileSync(
    join(dir, "VERSION"),
    `${pkg.version}\n${target}\nuws: ${uwsBinaries.length > 0 ? uwsBinaries.join(", ") : "none (node:http engine)"}\n`,
  );
  if (deb) return { uws: uwsBinaries };
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(
    join(dir, "bin/meshgate"),
    `#!/bin/sh\n# meshgate launcher: runs the bundle with the Node.js on PATH (>= 22).\nhere=$(dirname "$(readlink -f "$0")")\nexec node ${unitNodeFlags().join(" ")} "$here/../dist/meshgate.mjs" "$@"\n`,
  );
  chmodSync(join(dir, "bin/meshgate"), 0o755);
  cpSync(join(root, "systemd"), join(dir, "systemd"), { recursive: true });
  cpSync(join(root, "packaging/openwrt"), join(dir, "openwrt"), { recursive: true });
  cpSync(join(root, "README.md"), join(dir, "README.md"));
  cpSync(join(root, "packaging/meshgate.example.yaml"), join(dir, "meshgate.example.yaml"));
  return { uws: uwsBinaries };
}

function tarball(target) {
  const name = `meshgate-${pkg.version}-${target}`;
  const dir = join(out, name);
  const info = stage(target, dir);
  const file = join(out, `${name}.tar.gz`);
  execFileSync("tar", ["-czf", file, "-C", out, name]);
  rmSync(dir, { recursive: true, force: true });
  return { file, ...info };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const targets = only.length > 0 ? only : Object.keys(TARGETS);
  const skipDeb = process.argv.includes("--no-deb");
  const skipTarball = process.argv.includes("--no-tarball");
  if (!process.argv.includes("--no-build")) {
    execFileSync(process.execPath, [join(root, "build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  mkdirSync(out, { recursive: true });
  for (const target of targets) {
    if (!skipTarball) {
      const tb = tarball(target);
      console.log(
        `${target}: ${tb.file} (${statSync(tb.file).size} bytes; uWS: ${tb.uws.length ? tb.uws.join(", ") : "none"})`,
      );
    }
    if (!skipDeb) {
      const d = buildDeb({ root, out, pkg, target, t: TARGETS[target], stage });
      console.log(
        `${target}: ${d.file} (${statSync(d.file).size} bytes; Depends: ${d.depends.join(", ")})`,
      );
    }
  }
}
