import { MeshgateError } from "../core/errors.ts";

/**
 * Storage failures. Codes: E_STORE_SCHEMA (a DB newer than this binary),
 * E_STORE_MIGRATION, E_STORE_IO, E_STORE_CLOSED, E_STORE_WORKER, E_STORE_CORRUPT.
 */
export class StoreError extends MeshgateError {}

/** Node's errno code of an fs failure ("ENOSPC", "EROFS", ...) or "EIO". */
export function ioCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "EIO";
}
