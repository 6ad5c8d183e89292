/**
 * The MALLOC_* variables systemd/meshgate.service sets, so benches that run
 * the daemon or its store measure it as the installed service runs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unitNodeFlags } from "../packaging/unit-flags.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

export function unitMallocEnv(): Record<string, string> {
  const unit = readFileSync(join(root, "systemd/meshgate.service"), "utf8");
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=(MALLOC_[A-Z_]+)=(\S+)$/gm)) env[m[1]!] = m[2]!;
  return env;
}

/**
 * Everything the unit sets that changes how the daemon uses memory: the
 * MALLOC_* variables and NODE_OPTIONS (V8 heap settings).
 */
export function unitEnv(): Record<string, string> {
  const unit = readFileSync(join(root, "systemd/meshgate.service"), "utf8");
  const env = unitMallocEnv();
  const opts = /^Environment="?NODE_OPTIONS=([^"\n]+)"?$/m.exec(unit)?.[1];
  if (opts) env.NODE_OPTIONS = opts;
  return env;
}

/**
 * node's arguments for the built daemon as the unit starts it (its V8 flags
 * unless `nodeArgs` says otherwise), on a config and data directory, its
 * HTTP server on a free loopback port.
 */
export function unitDaemonArgv(cfg: string, dataDir: string, nodeArgs = unitNodeFlags()): string[] {
  const script = [join(root, "dist/meshgate.mjs"), "run", "--config", cfg, "--data-dir", dataDir];
  return [...nodeArgs, ...script, ...LOOPBACK];
}

const LOOPBACK = ["--port", "0", "--host", "127.0.0.1"];

/** This process's environment without any MALLOC_* variables. */
export function envWithoutMalloc(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MALLOC_")));
}
