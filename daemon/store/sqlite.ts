/** Loads sql.js once per thread (the wasm module is ~1 MB; instantiate it once). */

import { readFileSync } from "node:fs";
import initSqlJs, { type SqlJsStatic } from "sql.js";
import { wasmPath } from "./paths.ts";

export type { Database, SqlJsStatic, Statement } from "sql.js";

let loading: Promise<SqlJsStatic> | null = null;

export function loadSqlJs(): Promise<SqlJsStatic> {
  // Per-thread cache of an immutable module, not shared mutable state.
  loading ??= initSqlJs({ wasmBinary: readFileSync(wasmPath()) as unknown as ArrayBuffer });
  return loading;
}
