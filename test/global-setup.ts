import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Build the bundle once per test run: e2e and browser tests serve dist/.
 * A failed build is reported but does not stop unit tests; the tests that
 * need the bundle fail on their own with the missing file.
 */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  try {
    execFileSync(process.execPath, [join(root, "build.mjs"), "--quiet"], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    process.stderr.write(
      `\n[global-setup] build failed; bundle-based tests will fail:\n${stderr}\n`,
    );
  }
}
