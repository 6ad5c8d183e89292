/** The config layout this build writes and reads. */
export const CONFIG_VERSION = 1;

type Migration = (cfg: Record<string, unknown>) => void;

/**
 * Forward migrations of the config file's layout, keyed by the version they
 * migrate from. A file without configVersion is version 1 (the first layout).
 */
const MIGRATIONS: Record<number, Migration> = {};

export function migrateConfig(
  cfg: Record<string, unknown>,
  notes: string[],
): Record<string, unknown> {
  const out = structuredClone(cfg);
  let version = typeof out.configVersion === "number" ? out.configVersion : CONFIG_VERSION;
  while (version < CONFIG_VERSION) {
    MIGRATIONS[version]?.(out);
    notes.push(`config migrated from layout ${version} to ${version + 1}`);
    version++;
  }
  if (version > CONFIG_VERSION) {
    // Left for the schema check to report: a newer layout than this build knows.
    return out;
  }
  out.configVersion = version;
  return out;
}
