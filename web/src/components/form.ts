/**
 * What the settings sections share: the config as loose JSON (read from
 * GET /api/config, written back as a merge patch) and readers that never
 * throw on an unexpected shape.
 */
export type Cfg = Record<string, unknown>;
/** Send a merge patch; true when the daemon applied it. */
export type Save = (patch: Cfg) => Promise<boolean>;

export const obj = (v: unknown): Cfg =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Cfg) : {};
export const arr = (v: unknown): Cfg[] => (Array.isArray(v) ? v.map(obj) : []);
export const text = (v: unknown): string => (typeof v === "string" ? v : "");
