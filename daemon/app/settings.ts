/**
 * The settings service behind PATCH /api/config: checks a merge patch the way
 * a restart would load the file, writes it into the operator's YAML (comments
 * kept, atomic, backup), applies live what may change live and reports the
 * rest as waiting for a restart. The `x-restart` marks in the config schema
 * decide which is which.
 */
import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";
import { resolveRaw } from "../config/load.ts";
import type { Override } from "../config/overrides.ts";
import {
  applyMergePatch,
  changedPaths,
  dotted,
  isPlainObject,
  maskConfig,
  type Path,
  restoreMasked,
} from "../config/patch.ts";
import { needsRestart } from "../config/restart.ts";
import type { Config } from "../config/types.ts";
import {
  maskDocument,
  patchDocument,
  readConfigDocument,
  writeFileAtomic,
} from "../config/write.ts";
import { MeshgateError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { SettingsPort } from "../http/setup-ports.ts";

export interface SettingsProblem {
  readonly path: string;
  readonly message: string;
}

/** A patch that was refused; `problems` lists every reason with its path. */
export class SettingsError extends MeshgateError {
  constructor(
    code: "E_INVALID" | "E_NO_CONFIG_FILE" | "E_NOT_WRITABLE",
    message: string,
    readonly problems: readonly SettingsProblem[] = [],
  ) {
    super(code, message);
  }
}

export interface PatchOutcome {
  readonly applied: readonly string[];
  readonly restartRequired: readonly string[];
}

export interface SettingsDeps {
  /** The config file in use; null when running on built-in defaults. */
  readonly source: string | null;
  readonly env: NodeJS.ProcessEnv;
  /** Command-line overrides given at start (re-applied to every check). */
  readonly overrides: readonly Override[];
  readonly initial: Config;
  /** Puts the live part of a change into effect. */
  readonly applyLive: (next: Config, prev: Config, paths: readonly Path[]) => Promise<void>;
  readonly log: Logger;
}

/** "radios[0].serial.path: must be string" -> {path, message}. */
export function toProblem(line: string): SettingsProblem {
  const i = line.indexOf(": ");
  return i < 0
    ? { path: "", message: line }
    : { path: line.slice(0, i) === "(root)" ? "" : line.slice(0, i), message: line.slice(i + 2) };
}

/** Masked values left after restoring: a client sent "***" for a setting that has none. */
function maskedLeft(v: unknown, path: Path = []): Path[] {
  if (typeof v === "string")
    return v === "***" || (v.includes("://") && /\*\*\*@|=\*\*\*/.test(v)) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => maskedLeft(x, [...path, i]));
  if (isPlainObject(v)) return Object.entries(v).flatMap(([k, x]) => maskedLeft(x, [...path, k]));
  return [];
}

function setIn(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const k of path.slice(0, -1)) {
    const next = node[k as string];
    if (!isPlainObject(next)) return;
    node = next;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === undefined) delete node[last as string];
  else node[last as string] = structuredClone(value);
}

function getIn(v: unknown, path: Path): unknown {
  let node = v;
  for (const k of path) node = isPlainObject(node) ? node[k as string] : undefined;
  return node;
}

export class Settings {
  private running: Config;
  private saved: Config;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SettingsDeps) {
    this.running = deps.initial;
    this.saved = deps.initial;
  }

  /** The configuration the file holds (what a restart will run). */
  current(): Config {
    return this.saved;
  }

  /** The configuration in effect now. */
  effective(): Config {
    return this.running;
  }

  source(): string | null {
    return this.deps.source;
  }

  /**
   * A new file can be written beside the config and renamed over it: that
   * takes a writable folder and a readable file (kept as the backup), not a
   * writable file, so the package leaves the file 0640.
   */
  writable(): boolean {
    const source = this.deps.source;
    if (source === null) return false;
    try {
      accessSync(dirname(source), constants.W_OK | constants.X_OK);
      accessSync(source, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Saved changes that wait for a restart. */
  pendingRestart(): string[] {
    return changedPaths(this.running, this.saved).map(dotted);
  }

  /** The file as written, secrets masked (config download). */
  async maskedFile(): Promise<string> {
    if (!this.deps.source)
      return `# running on built-in defaults\n${JSON.stringify(maskConfig(this.saved), null, 2)}\n`;
    const doc = await readConfigDocument(this.deps.source);
    maskDocument(doc);
    return doc.toString();
  }

  patch(patch: Record<string, unknown>): Promise<PatchOutcome> {
    const run = this.queue.then(() => this.apply(patch));
    this.queue = run.catch(() => {});
    return run;
  }

  private async apply(patch: Record<string, unknown>): Promise<PatchOutcome> {
    const source = this.deps.source;
    if (!source) {
      throw new SettingsError(
        "E_NO_CONFIG_FILE",
        "meshgate runs on built-in defaults: start it with --config PATH to save settings",
      );
    }
    const doc = await readConfigDocument(source);
    const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
    const restored = restoreMasked(patch, raw) as Record<string, unknown>;
    const masked = maskedLeft(restored).map((p) => ({
      path: dotted(p),
      message: "a masked value was sent for a setting with no value to keep",
    }));
    const next = applyMergePatch(raw, restored) as Record<string, unknown>;
    const r = resolveRaw(structuredClone(next), this.deps.env, this.deps.overrides);
    // The file must stand on its own too: an override (--port) would hide a bad value in it.
    const bare = resolveRaw(structuredClone(next), {}, []);
    const lines = new Set([...(r.ok ? [] : r.problems), ...(bare.ok ? [] : bare.problems)]);
    const problems = [...masked, ...[...lines].map(toProblem)];
    if (!r.ok || problems.length > 0) {
      throw new SettingsError(
        "E_INVALID",
        `${problems.length} problem(s) in the settings`,
        problems,
      );
    }
    patchDocument(doc, restored);
    try {
      await writeFileAtomic(source, doc.toString());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw err;
      throw new SettingsError(
        "E_NOT_WRITABLE",
        `cannot write ${source} (${code}): give the meshgate user write access to the file and its folder (docs/setup.md)`,
      );
    }

    const prev = this.running;
    const changed = changedPaths(prev, r.config);
    const live = changed.filter((p) => !needsRestart(p));
    const running = structuredClone(r.config) as unknown as Record<string, unknown>;
    for (const p of changed) if (needsRestart(p)) setIn(running, p, getIn(prev, p));
    this.saved = r.config;
    this.running = running as unknown as Config;
    this.deps.log.info("settings saved", {
      file: source,
      live: live.map(dotted),
      restart: this.pendingRestart(),
    });
    if (live.length > 0) await this.deps.applyLive(this.running, prev, live);
    return { applied: live.map(dotted), restartRequired: this.pendingRestart() };
  }
}

/** The HTTP side's view: refusals as values, with every problem and its path. */
export function settingsPort(s: Settings): SettingsPort {
  return {
    file: () => (s.writable() ? s.source() : null),
    writable: () => s.writable(),
    pendingRestart: () => s.pendingRestart(),
    maskedFile: () => s.maskedFile(),
    patch: async (patch) => {
      try {
        return { ok: true, ...(await s.patch(patch)) };
      } catch (err) {
        if (!(err instanceof SettingsError)) throw err;
        return {
          ok: false,
          status: err.code === "E_INVALID" ? 400 : 409,
          code: err.code,
          error: err.message,
          problems: err.problems,
        };
      }
    },
  };
}
