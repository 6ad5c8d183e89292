/** A single setting given on the command line or in the environment. */
export interface Override {
  /** Dotted path into the config, e.g. "http.port". */
  path: string;
  value: string;
  /** Where it came from, e.g. "--port" or "MESHGATE_HTTP_PORT". */
  source: string;
}

/**
 * Applies overrides in order (later wins). Values are strings; numbers and
 * booleans are converted when they look like one, so that the schema check
 * still reports a bad value (with its path) instead of silently ignoring it.
 */
export function applyOverrides(
  target: Record<string, unknown>,
  overrides: readonly Override[],
  notes: string[],
): void {
  for (const o of overrides) {
    const keys = o.path.split(".");
    let node: Record<string, unknown> = target;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === undefined || next === null || typeof next !== "object" || Array.isArray(next)) {
        node[key] = {};
      }
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = coerce(o.value);
    notes.push(`${o.path} set from ${o.source}`);
  }
}

export function coerce(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null") return null;
  return value;
}
