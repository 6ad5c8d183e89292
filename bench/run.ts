/**
 * Runs every benchmark in bench/ (or those named on the command line, e.g.
 * `npm run bench -- decode store`) one after another, each in its own
 * process so they don't disturb each other, and prints their tables.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, "")))
  .sort();

let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n## ${script.replace(/\.ts$/, "")}\n\n`);
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(here, script)], {
    stdio: "inherit",
    cwd: join(here, ".."),
  });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`\n(${script} exited with ${r.status ?? r.signal})\n`);
  }
}
process.exitCode = failed ? 1 : 0;
