import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_SHIPPED_MAJOR } from "../../daemon/core/version.ts";
import { UWS_BUILDS } from "../../daemon/http/engine-select.ts";
import { UWS_RELEASE } from "../../packaging/package.mjs";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

/** Node.js major -> native module ABI (process.versions.modules). */
const NODE_ABI: Record<number, number> = { 20: 115, 22: 127, 24: 137 };

/**
 * Debian's package checker on every .deb `npm run package` builds: no error
 * and no warning may remain (lintian's informational and pedantic hints are
 * not failures). An override would need a written reason beside it in
 * packaging/deb; there is none today, and the packages ship no overrides file.
 */
const hasLintian =
  spawnSync("sh", ["-c", "command -v lintian && command -v dpkg-deb"]).status === 0;
if (!hasLintian) {
  console.log("lintian test skipped: lintian is not installed (apt-get install lintian)");
}
const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version as string;
const ARCHES = ["amd64", "arm64", "armhf"] as const;

describe.skipIf(!hasLintian)("lintian on the .deb packages", () => {
  const debs: Record<string, string> = {};

  beforeAll(() => {
    const out = tempDir("meshgate-lintian-");
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, "packaging/package.mjs"), "--no-build", "--no-tarball", `--out=${out}`],
      { cwd: REPO_ROOT, stdio: "pipe" },
    );
    for (const arch of ARCHES) debs[arch] = join(out, `meshgate_${version}_${arch}.deb`);
  }, 600_000);

  it.each(ARCHES)(
    "%s: no errors, no warnings",
    (arch) => {
      const deb = debs[arch] ?? "";
      expect(existsSync(deb), deb).toBe(true);
      const r = spawnSync("lintian", ["--fail-on", "error,warning", "--show-overrides", deb], {
        encoding: "utf8",
        env: { ...process.env, LC_ALL: "C.UTF-8" },
      });
      const hints = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /^[EWO]: /.test(l));
      expect(hints, `lintian ${deb}`).toEqual([]);
      expect(r.status, r.stderr).toBe(0);
      // No overrides shipped: each would need a reason written beside it in the repo.
      const listing = execFileSync("dpkg-deb", ["--contents", deb], { encoding: "utf8" });
      expect(listing).not.toMatch(/lintian\/overrides/);
    },
    300_000,
  );

  it.each(ARCHES)("%s: only this architecture's glibc native builds", (arch) => {
    const listing = execFileSync("dpkg-deb", ["--contents", debs[arch] ?? ""], {
      encoding: "utf8",
    });
    const natives = listing
      .split("\n")
      .filter((l) => l.endsWith(".node"))
      .map((l) => l.slice(l.lastIndexOf("/") + 1));
    const prefix = { amd64: "", arm64: "armv8.", armhf: "armv7." }[arch];
    expect(natives).toContain(`@serialport+bindings-cpp.${prefix}glibc.node`);
    expect(natives.filter((n) => n.includes("musl"))).toEqual([]);
    // uWS for the shipped Node line where a build for the CPU exists (not armv7).
    const uwsArch = { amd64: "x64", arm64: "arm64", armhf: null }[arch];
    expect(natives.filter((f) => f.startsWith("uws_"))).toEqual(
      uwsArch ? [`uws_linux_${uwsArch}_${NODE_ABI[NODE_SHIPPED_MAJOR]}.node`] : [],
    );
    expect(natives.length).toBe(uwsArch ? 2 : 1);
  });

  it.each(ARCHES)("%s: the optional uWS binary does not raise the libc6 dependency", (arch) => {
    const depends = execFileSync("dpkg-deb", ["--field", debs[arch] ?? "", "Depends"], {
      encoding: "utf8",
    });
    const libc = /libc6 \(>= ([\d.]+)\)/.exec(depends)?.[1];
    expect(libc, depends).toBeDefined();
    // Debian 12 / Pi OS bookworm (glibc 2.36) can install it and serve with node:http.
    const [maj, min] = (libc ?? "").split(".").map(Number);
    expect((maj ?? 0) * 100 + (min ?? 0)).toBeLessThanOrEqual(236);
  });
});

describe("the release's uWS build", () => {
  it("is the engine selector's build for the shipped Node line", () => {
    const build = UWS_BUILDS.find((b) => b.pkg === UWS_RELEASE.pkg);
    expect(build?.dir).toBe(UWS_RELEASE.dir);
    expect(UWS_RELEASE.abi).toBe(NODE_ABI[NODE_SHIPPED_MAJOR]);
    expect(build?.abis).toContain(UWS_RELEASE.abi);
  });
});
