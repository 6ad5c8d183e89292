// `npm run package`: per-architecture release tarballs and .deb packages.
//
// release/meshgate-<version>-linux-<arch>.tar.gz holds the esbuild bundle,
// the web assets, sql-wasm.wasm, schema/, a launcher, the serialport native
// binding for that architecture (glibc and musl prebuilds) and the
// uWebSockets.js binary where one exists. The .deb installs the same tree
// to /usr/lib/meshgate with a systemd unit, /etc/meshgate and a system user.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const out = join(root, "release");

/** Release targets: serialport prebuild folder and file prefix, uWS arch, Debian arch. */
export const TARGETS = {
  "linux-x64": { prebuilds: "linux-x64", prefix: "", uws: "linux_x64", deb: "amd64" },
  "linux-arm64": { prebuilds: "linux-arm64", prefix: "armv8.", uws: "linux_arm64", deb: "arm64" },
  "linux-armv7": { prebuilds: "linux-arm", prefix: "armv7.", uws: "linux_arm", deb: "armhf" },
};

/** uWebSockets.js builds exist for Node 20 (ABI 115) only; other Node versions use node:http. */
const NODE_ABI = 115;

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

export function stage(target, dir) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, "dist"), join(dir, "dist"), {
    recursive: true,
    filter: (p) => !p.endsWith(".map") || p.endsWith("meshgate.mjs.map"),
  });
  for (const name of RUNTIME_PACKAGES) {
    copyPackage(name, dir, (p) => {
      const rel = p.split(`${name}/`)[1] ?? "";
      // Only this target's serialport prebuilds (glibc and musl).
      if (rel.startsWith("prebuilds/")) {
        const [, folder, file] = rel.split("/");
        if (folder !== t.prebuilds) return false;
        return file === undefined || file.startsWith(`@serialport+bindings-cpp.${t.prefix}`);
      }
      // The binding's C++ sources are not needed at run time (other packages keep src/: debug lives there).
      if (name === "@serialport/bindings-cpp")
        return !rel.startsWith("src/") && rel !== "binding.gyp";
      return true;
    });
  }
  const uwsDir = join(root, "node_modules/@trufflesuite/uws-js-unofficial");
  const uwsBinaries = existsSync(uwsDir)
    ? readdirSync(join(uwsDir, "binaries")).filter((f) => f === `uws_${t.uws}_${NODE_ABI}.node`)
    : [];
  if (uwsBinaries.length > 0) {
    const dest = join(dir, "node_modules/@trufflesuite/uws-js-unofficial");
    mkdirSync(join(dest, "binaries"), { recursive: true });
    cpSync(join(uwsDir, "package.json"), join(dest, "package.json"));
    for (const f of uwsBinaries) cpSync(join(uwsDir, "binaries", f), join(dest, "binaries", f));
  }
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(
    join(dir, "bin/meshgate"),
    '#!/bin/sh\n# meshgate launcher: runs the bundle with the Node.js on PATH (>= 20).\nhere=$(dirname "$(readlink -f "$0")")\nexec node "$here/../dist/meshgate.mjs" "$@"\n',
  );
  chmodSync(join(dir, "bin/meshgate"), 0o755);
  cpSync(join(root, "systemd"), join(dir, "systemd"), { recursive: true });
  cpSync(join(root, "packaging/openwrt"), join(dir, "openwrt"), { recursive: true });
  cpSync(join(root, "README.md"), join(dir, "README.md"));
  cpSync(join(root, "packaging/meshgate.example.yaml"), join(dir, "meshgate.example.yaml"));
  writeFileSync(
    join(dir, "VERSION"),
    `${pkg.version}\n${target}\nuws: ${uwsBinaries.length > 0 ? uwsBinaries.join(", ") : "none (node:http engine)"}\n`,
  );
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

function deb(target) {
  const t = TARGETS[target];
  const name = `meshgate_${pkg.version}_${t.deb}`;
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  stage(target, join(dir, "usr/lib/meshgate"));
  mkdirSync(join(dir, "usr/bin"), { recursive: true });
  writeFileSync(
    join(dir, "usr/bin/meshgate"),
    '#!/bin/sh\nexec node /usr/lib/meshgate/dist/meshgate.mjs "$@"\n',
  );
  chmodSync(join(dir, "usr/bin/meshgate"), 0o755);
  mkdirSync(join(dir, "lib/systemd/system"), { recursive: true });
  cpSync(join(root, "systemd/meshgate.service"), join(dir, "lib/systemd/system/meshgate.service"));
  mkdirSync(join(dir, "etc/meshgate"), { recursive: true });
  cpSync(join(root, "packaging/deb/config.yaml"), join(dir, "etc/meshgate/config.yaml"));
  mkdirSync(join(dir, "usr/share/doc/meshgate"), { recursive: true });
  cpSync(join(root, "README.md"), join(dir, "usr/share/doc/meshgate/README.md"));
  mkdirSync(join(dir, "DEBIAN"), { recursive: true });
  const sizeKb = Math.ceil(du(dir) / 1024);
  const control = readFileSync(join(root, "packaging/deb/control"), "utf8")
    .replace("@VERSION@", pkg.version)
    .replace("@ARCH@", t.deb)
    .replace("@SIZE@", String(sizeKb));
  writeFileSync(join(dir, "DEBIAN/control"), control);
  writeFileSync(join(dir, "DEBIAN/conffiles"), "/etc/meshgate/config.yaml\n");
  for (const script of ["postinst", "prerm", "postrm"]) {
    cpSync(join(root, "packaging/deb", script), join(dir, "DEBIAN", script));
    chmodSync(join(dir, "DEBIAN", script), 0o755);
  }
  const file = join(out, `${name}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", dir, file], { stdio: "pipe" });
  rmSync(dir, { recursive: true, force: true });
  return { file };
}

function du(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((a, f) => a + du(join(path, f)), 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const targets = only.length > 0 ? only : Object.keys(TARGETS);
  const skipDeb = process.argv.includes("--no-deb");
  if (!process.argv.includes("--no-build")) {
    execFileSync(process.execPath, [join(root, "build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  mkdirSync(out, { recursive: true });
  for (const target of targets) {
    const tb = tarball(target);
    console.log(
      `${target}: ${tb.file} (${statSync(tb.file).size} bytes; uWS: ${tb.uws.length ? tb.uws.join(", ") : "none"})`,
    );
    if (!skipDeb) {
      const d = deb(target);
      console.log(`${target}: ${d.file} (${statSync(d.file).size} bytes)`);
    }
  }
}
