import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

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
    const uwsArch = { amd64: "x64", arm64: "arm64", armhf: "arm" }[arch];
    for (const n of natives.filter((f) => f.startsWith("uws_"))) {
      expect(n).toMatch(new RegExp(`^uws_linux_${uwsArch}_\\d+\\.node$`));
    }
    expect(natives.length).toBeLessThanOrEqual(2);
  });
});
