// The Debian library dependencies of the native binaries a .deb ships,
// computed from the binaries themselves: each ELF file's DT_NEEDED sonames
// and the symbol version nodes it requires from them (GLIBC_2.28,
// GLIBCXX_3.4.21, ...). The dynamic loader refuses a binary whose version
// nodes the installed library lacks, so the highest node needed is the
// version the package must depend on.
//
// dpkg-shlibdeps does the same from the build machine's installed symbols
// files, which works only for the build machine's own architecture unless
// the foreign libc6, libstdc++6 and libgcc-s1 are installed as multiarch
// packages. Reading the ELF files gives every architecture the same answer on
// any build machine; test/packaging/shlibdeps.test.ts compares it with
// dpkg-shlibdeps wherever dpkg-shlibdeps can run.
import { readFileSync } from "node:fs";

/** Debian package of each shared library the prebuilt binaries load. */
const PACKAGE_OF = {
  "libc.so.6": "libc6",
  "libm.so.6": "libc6",
  "libpthread.so.0": "libc6",
  "libdl.so.2": "libc6",
  "librt.so.1": "libc6",
  "ld-linux-x86-64.so.2": "libc6",
  "ld-linux-aarch64.so.1": "libc6",
  "ld-linux-armhf.so.3": "libc6",
  "libstdc++.so.6": "libstdc++6",
  "libgcc_s.so.1": "libgcc-s1",
};

/**
 * The libstdc++6 version Debian 12's symbols file records for the symbols of
 * each version node (/var/lib/dpkg/info/libstdc++6:amd64.symbols); the test
 * checks this table against the installed file. glibc's and libgcc's nodes
 * carry their version in the name (GLIBC_2.28 -> 2.28, GCC_3.5 -> 3.5).
 */
const LIBSTDCXX_VERSION = {
  "GLIBCXX_3.4": "4.1.1",
  "GLIBCXX_3.4.1": "4.1.1",
  "GLIBCXX_3.4.2": "4.1.1",
  "GLIBCXX_3.4.3": "4.1.1",
  "GLIBCXX_3.4.4": "4.1.1",
  "GLIBCXX_3.4.5": "4.1.1",
  "GLIBCXX_3.4.6": "4.1.1",
  "GLIBCXX_3.4.7": "4.1.1",
  "GLIBCXX_3.4.8": "4.1.1",
  "GLIBCXX_3.4.9": "4.2.1",
  "GLIBCXX_3.4.10": "4.3",
  "GLIBCXX_3.4.11": "4.4",
  "GLIBCXX_3.4.12": "4.4",
  "GLIBCXX_3.4.13": "4.4.2",
  "GLIBCXX_3.4.14": "4.5",
  "GLIBCXX_3.4.15": "4.6",
  "GLIBCXX_3.4.16": "4.6",
  "GLIBCXX_3.4.17": "4.7",
  "GLIBCXX_3.4.18": "4.8",
  "GLIBCXX_3.4.19": "4.8",
  "GLIBCXX_3.4.20": "4.9",
  "GLIBCXX_3.4.21": "5.2",
  "GLIBCXX_3.4.22": "6",
  "GLIBCXX_3.4.23": "10.2",
  "GLIBCXX_3.4.24": "7",
  "GLIBCXX_3.4.25": "8",
  "GLIBCXX_3.4.26": "9",
  "GLIBCXX_3.4.27": "9.1",
  "GLIBCXX_3.4.28": "10.2",
  "GLIBCXX_3.4.29": "11",
  "GLIBCXX_3.4.30": "12",
  "CXXABI_1.3": "4.1.1",
  "CXXABI_1.3.1": "4.1.1",
  "CXXABI_1.3.2": "4.3",
  "CXXABI_1.3.3": "4.3",
  "CXXABI_1.3.4": "4.3",
  "CXXABI_1.3.5": "4.3",
  "CXXABI_1.3.6": "4.3",
  "CXXABI_1.3.7": "4.3",
  "CXXABI_1.3.8": "4.3",
  "CXXABI_1.3.9": "5",
  "CXXABI_1.3.10": "6",
  "CXXABI_1.3.11": "10.2",
  "CXXABI_1.3.12": "9",
  "CXXABI_1.3.13": "11",
};

export { LIBSTDCXX_VERSION, PACKAGE_OF };

/** DT_NEEDED sonames and, per soname, the version nodes required from it. */
export function readElfNeeds(file) {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file}: not an ELF file`);
  const is64 = b[4] === 2;
  if (b[5] !== 1) throw new Error(`${file}: big-endian ELF is not supported`);
  const word = (o) => (is64 ? Number(b.readBigUInt64LE(o)) : b.readUInt32LE(o));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = b.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = b.readUInt16LE(is64 ? 0x3c : 0x30);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(o + 4),
      offset: word(o + (is64 ? 0x18 : 0x10)),
      size: word(o + (is64 ? 0x20 : 0x14)),
      link: b.readUInt32LE(o + (is64 ? 0x28 : 0x18)),
      info: b.readUInt32LE(o + (is64 ? 0x2c : 0x1c)),
    });
  }
  const str = (section, at) => {
    const start = section.offset + at;
    return b.toString("latin1", start, b.indexOf(0, start));
  };
  const needed = [];
  const versions = {};
  const SHT_DYNAMIC = 6;
  const SHT_GNU_VERNEED = 0x6ffffffe;
  for (const s of sections) {
    const strtab = sections[s.link];
    if (!strtab) continue;
    if (s.type === SHT_DYNAMIC) {
      const entsize = is64 ? 16 : 8;
      for (let o = s.offset; o < s.offset + s.size; o += entsize) {
        const tag = word(o);
        if (tag === 0) break;
        if (tag === 1) needed.push(str(strtab, word(o + entsize / 2)));
      }
    } else if (s.type === SHT_GNU_VERNEED) {
      // Elf_Verneed: vn_version(2) vn_cnt(2) vn_file(4) vn_aux(4) vn_next(4);
      // Elf_Vernaux: vna_hash(4) vna_flags(2) vna_other(2) vna_name(4) vna_next(4).
      let o = s.offset;
      for (let i = 0; i < s.info; i++) {
        const lib = str(strtab, b.readUInt32LE(o + 4));
        const nodes = versions[lib] ?? [];
        versions[lib] = nodes;
        let a = o + b.readUInt32LE(o + 8);
        for (let j = 0; j < b.readUInt16LE(o + 2); j++) {
          nodes.push(str(strtab, b.readUInt32LE(a + 8)));
          a += b.readUInt32LE(a + 12);
        }
        o += b.readUInt32LE(o + 12);
      }
    }
  }
  return { needed, versions };
}

/** Compares Debian-style upstream versions made of dotted numbers. */
export function compareVersions(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The minimum package version a version node implies, or undefined for an unknown node. */
function nodeVersion(pkg, node) {
  if (pkg === "libc6") return /^GLIBC_(\d+(?:\.\d+)+)$/.exec(node)?.[1];
  if (pkg === "libgcc-s1") return /^GCC_(\d+(?:\.\d+)*)$/.exec(node)?.[1];
  if (pkg === "libstdc++6") return LIBSTDCXX_VERSION[node];
  return undefined;
}

/**
 * The Depends entries for a set of ELF files, e.g.
 * ["libc6 (>= 2.28)", "libgcc-s1 (>= 3.0)", "libstdc++6 (>= 5.2)"], sorted.
 * Throws on a library or version node it has no rule for, so a new prebuild
 * can't slip into a package with a dependency left out.
 */
export function shlibDepends(files) {
  const min = new Map();
  for (const file of files) {
    const { needed, versions } = readElfNeeds(file);
    for (const lib of needed) {
      const pkg = PACKAGE_OF[lib];
      if (!pkg)
        throw new Error(`${file}: no Debian package known for ${lib} (packaging/shlibdeps.mjs)`);
      if (!min.has(pkg)) min.set(pkg, undefined);
      for (const node of versions[lib] ?? []) {
        const v = nodeVersion(pkg, node);
        if (v === undefined) throw new Error(`${file}: no version known for ${lib} ${node}`);
        const cur = min.get(pkg);
        if (cur === undefined || compareVersions(v, cur) > 0) min.set(pkg, v);
      }
    }
  }
  return [...min.keys()].sort().map((pkg) => (min.get(pkg) ? `${pkg} (>= ${min.get(pkg)})` : pkg));
}
