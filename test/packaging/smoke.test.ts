import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/paths.ts";

/**
 * The arm64 release tarball under qemu user emulation (packaging/smoke-arm64.mjs).
 * It needs qemu-aarch64-static, an arm64 glibc and an arm64 node binary and
 * takes about a minute, so it runs only when those are already installed, or
 * when MESHGATE_SMOKE_ARM64=1 asks for it (then missing tools fail the test).
 */
const script = join(REPO_ROOT, "packaging/smoke-arm64.mjs");
const forced = process.env.MESHGATE_SMOKE_ARM64 === "1";
const probe = spawnSync(process.execPath, [script, "--probe"], { encoding: "utf8" });
const ready = probe.status === 0;
if (!ready && !forced) {
  const missing = probe.stdout.trim() ? JSON.parse(probe.stdout).missing : [probe.stderr];
  console.log(
    `arm64 smoke test skipped (set MESHGATE_SMOKE_ARM64=1 to require it): missing ${missing.join("; ")}`,
  );
}

describe.skipIf(!ready && !forced)("the linux-arm64 tarball under qemu", () => {
  it("prints its version, decodes, serves health with rising counts and stops cleanly", () => {
    // A fresh tarball from the bundle the global setup built.
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, "packaging/package.mjs"), "linux-arm64", "--no-build", "--no-deb"],
      { cwd: REPO_ROOT, stdio: "pipe" },
    );
    const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 600_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/arm64 node under emulation \.\.\. ok \(.*\): arm64 v20\./);
    expect(out).toMatch(/GET \/api\/health \.\.\. ok .*status ok/);
    expect(out).toMatch(/observations rising \.\.\. ok/);
    expect(out).toMatch(/SIGTERM: clean exit \.\.\. ok .*exit 0/);
    expect(out).toMatch(/^PASS arm64 smoke test/m);
  }, 900_000);
});
