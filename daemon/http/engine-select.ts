/**
 * Which uWebSockets.js build `http.engine: auto` uses. Two unofficial builds
 * exist and neither covers every gateway:
 *  - @btc-vision/uwebsockets.js: Node ABIs 115-141 (Node 20-25) on linux
 *    x64/arm64, linked against glibc 2.38 (Debian 13, Raspberry Pi OS trixie;
 *    not Debian 12 / Pi OS bookworm);
 *  - @trufflesuite/uws-js-unofficial: Node ABIs 93/108/115 (Node 16-20) on
 *    linux x64/arm64/armv7, older glibc.
 * None exists for musl or MIPS. Each build is first checked against this
 * process (platform, ABI, libc) so the reason logged says what is missing in
 * words, and only a plausible one is actually loaded.
 */
import { loadUws, type UwsLoad } from "./engine-uws.ts";

export interface UwsBuild {
  readonly pkg: string;
  /** Folder of the .node files inside the package ("" for its root). */
  readonly dir: string;
  readonly abis: readonly number[];
  readonly arches: readonly string[];
  /** Lowest glibc the binaries link against ("2.38"), or null when old enough anywhere. */
  readonly minGlibc: string | null;
}

/** Preferred first: the build that covers the Node versions meshgate ships. */
export const UWS_BUILDS: readonly UwsBuild[] = [
  {
    pkg: "@btc-vision/uwebsockets.js",
    dir: "",
    abis: [115, 127, 137, 141],
    arches: ["x64", "arm64"],
    minGlibc: "2.38",
  },
  {
    pkg: "@trufflesuite/uws-js-unofficial",
    dir: "binaries",
    abis: [93, 108, 115],
    arches: ["x64", "arm64", "arm"],
    minGlibc: null,
  },
];

/** What decides whether a build can load: the running process. */
export interface UwsHost {
  readonly platform: string;
  readonly arch: string;
  readonly abi: number;
  readonly nodeVersion: string;
  /** glibc version ("2.36"), or null on musl and other libcs. */
  readonly glibc: string | null;
}

export function currentHost(): UwsHost {
  const report = process.report?.getReport() as
    | { header?: { glibcVersionRuntime?: string } }
    | undefined;
  const header = report?.header;
  return {
    platform: process.platform,
    arch: process.arch,
    abi: Number(process.versions.modules),
    nodeVersion: process.versions.node,
    glibc: header?.glibcVersionRuntime ?? null,
  };
}

function versionBelow(have: string, need: string): boolean {
  const a = have.split(".").map(Number);
  const b = need.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** Why `build` cannot run on `host`, or null when it may. Pure. */
export function uwsMismatch(build: UwsBuild, host: UwsHost): string | null {
  if (host.platform !== "linux") return `no build for ${host.platform}`;
  if (!build.arches.includes(host.arch)) return `no build for ${host.arch}`;
  if (!build.abis.includes(host.abi))
    return `built for Node ABI ${build.abis.join("/")}, this is Node ${host.nodeVersion} (ABI ${host.abi})`;
  if (build.minGlibc !== null) {
    if (host.glibc === null)
      return `needs glibc >= ${build.minGlibc}, this system has no glibc (musl?)`;
    if (versionBelow(host.glibc, build.minGlibc))
      return `needs glibc >= ${build.minGlibc}, this system has ${host.glibc}`;
  } else if (host.glibc === null) {
    return "needs glibc, this system has none (musl?)";
  }
  return null;
}

export type UwsLoader = (binary: string, pkg: string, dir: string) => UwsLoad;

/**
 * The first build that loads, or why none did: one "<package>: <reason>"
 * per build, so the log line names what would make uWS available.
 */
export function loadBestUws(
  host: UwsHost = currentHost(),
  load: UwsLoader = loadUws,
  builds: readonly UwsBuild[] = UWS_BUILDS,
): UwsLoad {
  const reasons: string[] = [];
  for (const b of builds) {
    const mismatch = uwsMismatch(b, host);
    if (mismatch) {
      reasons.push(`${b.pkg}: ${mismatch}`);
      continue;
    }
    const r = load(`uws_${host.platform}_${host.arch}_${host.abi}.node`, b.pkg, b.dir);
    if (r.ok) return { ...r, binary: `${b.pkg}/${r.binary}` };
    reasons.push(`${b.pkg}: ${r.reason}`);
  }
  return { ok: false, reason: reasons.join("; ") };
}
