import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import { ConfigError } from "../core/errors.ts";
import { migrateConfig } from "./migrate.ts";
import { applyOverrides, type Override } from "./overrides.ts";
import type { Config } from "./types.ts";
import { validateConfig } from "./validate.ts";

export const DEFAULT_PATHS = ["./meshgate.yaml", "/etc/meshgate/config.yaml"];

export interface LoadOptions {
  /** --config PATH */
  path?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Override[];
  /** Candidate paths when neither --config nor MESHGATE_CONFIG is given. */
  searchPaths?: string[];
}

export interface LoadedConfig {
  config: Config;
  /** The file used, or null when running on defaults. */
  source: string | null;
  /** Notes for the log (config migrated, overrides applied). */
  notes: string[];
}

/**
 * Finds, parses, migrates, overrides and validates the configuration.
 * Throws ConfigError listing every problem, each with its path.
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const source = locate(opts, env);
  let raw: unknown = {};
  if (source) raw = parseFile(source);
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the top level must be a mapping of settings`, [
      "(root): must be object",
    ]);
  }
  const notes: string[] = [];
  const r = resolveRaw(raw as Record<string, unknown>, env, opts.overrides ?? [], notes);
  if (!r.ok) {
    const where = source ?? "built-in defaults";
    throw new ConfigError(
      `invalid configuration (${where}): ${r.problems.length} problem(s)`,
      r.problems,
    );
  }
  return { config: r.config, source, notes };
}

/**
 * The file's data as the daemon would run it: migrated, with the environment
 * and command-line overrides, validated (defaults filled in). The settings API
 * checks a patched file with the same steps a restart will take.
 */
export function resolveRaw(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  overrides: readonly Override[],
  notes: string[] = [],
): { ok: true; config: Config } | { ok: false; problems: string[] } {
  const migrated = migrateConfig(raw, notes);
  applyOverrides(migrated, [...envOverrides(env), ...overrides], notes);
  const problems = validateConfig(migrated);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, config: migrated as unknown as Config };
}

function locate(opts: LoadOptions, env: NodeJS.ProcessEnv): string | null {
  const explicit = opts.path ?? env.MESHGATE_CONFIG;
  if (explicit) {
    const p = resolve(explicit);
    if (!existsSync(p)) throw new ConfigError(`config file not found: ${p}`, [`${p}: not found`]);
    return p;
  }
  for (const candidate of opts.searchPaths ?? DEFAULT_PATHS) {
    const p = resolve(candidate);
    if (existsSync(p)) return p;
  }
  return null;
}

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, [
      `${path}: unreadable`,
    ]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${path}${pos ? `:${pos.line}:${pos.col}` : ""}: ${e.message.split("\n")[0]}`;
    });
    throw new ConfigError(`cannot parse config file ${path}`, problems);
  }
  return doc.toJS();
}

/** Environment variables that override common settings. */
export const ENV_OVERRIDES: Readonly<Record<string, string>> = {
  MESHGATE_HTTP_HOST: "http.host",
  MESHGATE_HTTP_PORT: "http.port",
  MESHGATE_HTTP_TOKEN: "http.token",
  MESHGATE_DATA_DIR: "store.dataDir",
  MESHGATE_LOG_LEVEL: "log.level",
  MESHGATE_LOG_FORMAT: "log.format",
  MESHGATE_SIMULATOR: "simulator.enabled",
  MESHGATE_GATEWAY_NAME: "gateway.name",
  MESHGATE_IATA: "gateway.iata",
};

function envOverrides(env: NodeJS.ProcessEnv): Override[] {
  const out: Override[] = [];
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== "") out.push({ path, value, source: name });
  }
  return out;
}
