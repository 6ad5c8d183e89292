/**
 * JSON merge patch (RFC 7396) on plain config data, the diff that says which
 * settings a patch changed, and the rule that lets a client send back the
 * masked form of a secret ("***") to mean "keep it".
 */
import { redact, redactUrl } from "../core/log.ts";

export type Path = readonly (string | number)[];

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7396: objects merge key by key, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/**
 * How a value is shown to clients: the logs' redaction rule for secret keys
 * (reused, so one rule decides what is secret), and credentials inside URLs.
 */
export function maskValue(key: string | number, value: unknown): unknown {
  if (typeof key === "string") {
    const masked = (redact({ [key]: value }) as Record<string, unknown>)[key];
    if (masked !== value) return masked;
  }
  return typeof value === "string" ? redactUrl(value) : value;
}

/** The whole config as clients see it: every secret masked. */
export function maskConfig(value: unknown, key: string | number = "", depth = 0): unknown {
  const own = maskValue(key, value);
  if (own !== value || depth > 10) return own;
  if (Array.isArray(value)) return value.map((v, i) => maskConfig(v, i, depth + 1));
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskConfig(v, k, depth + 1)]),
    );
  return value;
}

/** An array item's identity, so a masked secret is matched to its own item after a reorder. */
function identity(item: unknown): string | null {
  if (!isPlainObject(item)) return null;
  const id = item.id ?? item.name;
  return typeof id === "string" ? id : null;
}

/**
 * Replaces every masked value in `patch` by the current value it masks: the
 * UI shows secrets masked and may send them back unchanged.
 */
export function restoreMasked(
  patch: unknown,
  current: unknown,
  key: string | number = "",
): unknown {
  if (current !== undefined && patch !== current && patch === maskValue(key, current))
    return structuredClone(current);
  if (Array.isArray(patch)) {
    const cur = Array.isArray(current) ? current : [];
    return patch.map((item, i) => {
      const id = identity(item);
      const match = id === null ? cur[i] : cur.find((c) => identity(c) === id);
      return restoreMasked(item, match, i);
    });
  }
  if (isPlainObject(patch)) {
    const cur = isPlainObject(current) ? current : {};
    return Object.fromEntries(
      Object.entries(patch).map(([k, v]) => [k, restoreMasked(v, cur[k], k)]),
    );
  }
  return patch;
}

/**
 * Paths whose value differs between two configs. Objects are compared key by
 * key; an array that changed is reported as one path (its items have no
 * stable address for a client to act on).
 */
export function changedPaths(a: unknown, b: unknown, path: Path = []): Path[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], [...path, k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

export const dotted = (p: Path): string =>
  p.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${k}` : String(k)),
    "",
  );
