import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareVersions,
  LIBSTDCXX_VERSION,
  readElfNeeds,
  shlibDepends,
} from "../../packaging/shlibdeps.mjs";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

/**
 * The .deb's library dependencies are read from the native binaries' ELF
 * version needs (packaging/shlibdeps.mjs). Checked here against binutils'
 * readelf (the same facts from an independent reader), Debian's libstdc++6
 * symbols file, and dpkg-shlibdeps itself for every architecture whose
 * libraries are installed on this machine.
 */
const NM = join(REPO_ROOT, "node_modules");
const PREBUILDS = join(NM, "@serialport/bindings-cpp/prebuilds");
const UWS = join(NM, "@trufflesuite/uws-js-unofficial/binaries");

/** Each Debian architecture's glibc native binaries, as the .deb ships them. */
const BINARIES: Record<string, { multiarch: string; files: string[] }> = {
  amd64: {
    multiarch: "x86_64-linux-gnu",
    files: [join(PREBUILDS, "linux-x64/@serialport+bindings-cpp.glibc.node")],
  },
  arm64: {
    multiarch: "aarch64-linux-gnu",
    files: [join(PREBUILDS, "linux-arm64/@serialport+bindings-cpp.armv8.glibc.node")],
  },
  armhf: {
    multiarch: "arm-linux-gnueabihf",
    files: [join(PREBUILDS, "linux-arm/@serialport+bindings-cpp.armv7.glibc.node")],
  },
};
const UWS_ARCH: Record<string, string> = { amd64: "x64", arm64: "arm64", armhf: "arm" };
for (const [arch, b] of Object.entries(BINARIES)) {
  const uws = join(UWS, `uws_linux_${UWS_ARCH[arch]}_115.node`);
  if (existsSync(uws)) b.files.push(uws);
}

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const hostArch = spawnSync("dpkg", ["--print-architecture"], { encoding: "utf8" }).stdout?.trim();

describe("ELF version needs", () => {
  it.skipIf(!has("readelf"))("agree with binutils' readelf for every shipped binary", () => {
    for (const { files } of Object.values(BINARIES)) {
      for (const file of files) {
        const ours = readElfNeeds(file);
        const dyn = spawnSync("readelf", ["-d", "-W", file], { encoding: "utf8" }).stdout;
        const needed = [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map(
          (m) => m[1],
        );
        expect(ours.needed, file).toEqual(needed);
        const ver = spawnSync("readelf", ["-V", "-W", file], { encoding: "utf8" }).stdout;
        const section = ver.slice(ver.indexOf(".gnu.version_r"));
        const theirs: Record<string, string[]> = {};
        let lib = "";
        for (const line of section.split("\n")) {
          const file = /File: (\S+)/.exec(line);
          if (file?.[1]) lib = file[1];
          const name = /Name: (\S+)\s+Flags/.exec(line);
          if (name?.[1]) theirs[lib] = [...(theirs[lib] ?? []), name[1]];
        }
        for (const l of Object.keys(theirs)) theirs[l]?.sort();
        const sorted = Object.fromEntries(
          Object.entries(ours.versions).map(([l, v]) => [l, [...v].sort()]),
        );
        expect(sorted, file).toEqual(theirs);
      }
    }
  });

  it("yields libc6, libgcc-s1 and libstdc++6 with the highest version node needed", () => {
    expect(shlibDepends(BINARIES.amd64?.files ?? [])).toEqual([
      "libc6 (>= 2.28)",
      "libgcc-s1 (>= 3.0)",
      "libstdc++6 (>= 5.2)",
    ]);
    // 32-bit ARM's libgcc version nodes start at GCC_3.5.
    expect(shlibDepends(BINARIES.armhf?.files ?? [])).toContain("libgcc-s1 (>= 3.5)");
  });

  it("refuses a binary whose library it has no Debian package for (a musl build)", () => {
    const musl = join(PREBUILDS, "linux-x64/@serialport+bindings-cpp.musl.node");
    expect(() => shlibDepends([musl])).toThrow(/no Debian package known for libc\.musl/);
  });

  it("compares versions numerically", () => {
    expect(compareVersions("2.28", "2.4")).toBeGreaterThan(0);
    expect(compareVersions("5", "5.0")).toBe(0);
    expect(compareVersions("4.1.1", "4.2")).toBeLessThan(0);
  });
});

const symbolsFile = hostArch ? `/var/lib/dpkg/info/libstdc++6:${hostArch}.symbols` : "";
describe.skipIf(!existsSync(symbolsFile))("the libstdc++6 version table", () => {
  it("matches the version Debian's symbols file records for each version node", () => {
    const byNode = new Map<string, Set<string>>();
    for (const m of readFileSync(symbolsFile, "utf8").matchAll(
      /@((?:GLIBCXX|CXXABI)_[\d.]+) (\S+)/g,
    )) {
      const [, node = "", v = ""] = m;
      if (!byNode.has(node)) byNode.set(node, new Set());
      byNode.get(node)?.add(v);
    }
    for (const [node, version] of Object.entries(LIBSTDCXX_VERSION)) {
      expect([...(byNode.get(node) ?? [])], node).toEqual([version]);
    }
  });
});

/** Whether dpkg-shlibdeps can resolve `arch`'s libraries on this machine. */
function shlibdepsWorks(arch: string): boolean {
  if (!has("dpkg-shlibdeps")) return false;
  const pkgs = ["libc6", "libstdc++6", "libgcc-s1"].map((p) => `${p}:${arch}`);
  return spawnSync("dpkg", ["-s", ...pkgs], { stdio: "ignore" }).status === 0;
}

/** dpkg-shlibdeps' answer as a map package -> minimum version. */
function dpkgShlibdeps(arch: string, files: string[]): Map<string, string> {
  const dir = tempDir("meshgate-shlibdeps-");
  mkdirSync(join(dir, "debian"));
  writeFileSync(
    join(dir, "debian/control"),
    "Source: meshgate\n\nPackage: meshgate\nArchitecture: any\n",
  );
  const multiarch = BINARIES[arch]?.multiarch ?? "";
  const r = spawnSync("dpkg-shlibdeps", ["-O", "--warnings=0", ...files], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      DEB_HOST_ARCH: arch,
      DEB_HOST_MULTIARCH: multiarch,
      DEB_HOST_GNU_TYPE: multiarch,
    },
  });
  expect(r.status, r.stderr).toBe(0);
  const line = /shlibs:Depends=(.*)/.exec(r.stdout)?.[1] ?? "";
  return new Map(
    line.split(", ").map((d) => {
      const m = /^(\S+)(?: \(>= ([^)]+)\))?$/.exec(d);
      return [m?.[1] ?? d, m?.[2] ?? ""];
    }),
  );
}

describe("against dpkg-shlibdeps", () => {
  for (const arch of Object.keys(BINARIES)) {
    const works = shlibdepsWorks(arch);
    if (!works) {
      console.log(
        `dpkg-shlibdeps comparison for ${arch} skipped: needs dpkg-dev and libc6:${arch} libstdc++6:${arch} libgcc-s1:${arch}`,
      );
    }
    it.skipIf(!works)(`${arch}: names the same packages, never a newer version`, () => {
      const files = BINARIES[arch]?.files ?? [];
      const debian = dpkgShlibdeps(arch, files);
      const ours = new Map(
        shlibDepends(files).map((d) => {
          const m = /^(\S+) \(>= ([^)]+)\)$/.exec(d);
          return [m?.[1] ?? d, m?.[2] ?? ""];
        }),
      );
      expect([...ours.keys()].sort()).toEqual([...debian.keys()].sort());
      for (const [pkg, v] of ours) {
        const theirs = debian.get(pkg) ?? "";
        // libc6 may be lower: Debian 12's symbols file records sysconf at
        // 2.34 (for programs built against 2.34's headers, which may ask for
        // values older glibcs lack); the uWebSockets.js binary calls sysconf
        // but was linked against a glibc older than 2.34 (it still needs
        // libpthread.so.0, which 2.34 folded into libc.so.6).
        if (pkg === "libc6") expect(compareVersions(v, theirs), pkg).toBeLessThanOrEqual(0);
        else expect(v, pkg).toBe(theirs);
      }
    });
  }
});
