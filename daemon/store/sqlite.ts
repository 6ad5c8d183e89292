/**
 * Loads sql.js once per thread (the wasm module is ~1 MB; instantiate it once).
 * SQLite's code stays in V8's baseline WebAssembly compiler (Liftoff) through
 * the unit's command line (`--no-wasm-tier-up --no-wasm-dynamic-tiering`):
 * V8 reads those flags only there, and setting `--liftoff-only` from here at
 * run time left its dynamic tier-up on (docs/storage.md, Memory).
 */

import { readFileSync } from "node:fs";
import initSqlJs, { type Database, type SqlJsStatic } from "sql.js";
import { wasmPath } from "./paths.ts";

export type { Database, SqlJsStatic, Statement } from "sql.js";

let loading: Promise<SqlJsStatic> | null = null;
let memory: WebAssembly.Memory | null = null;

/** Size of this thread's sql.js WebAssembly memory (it only ever grows), 0 before load. */
export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/**
 * SQLite's page cache per open database, in KiB. The database file already
 * lives in memory (sql.js's file system), so a page the cache misses is one
 * copy away, while SQLite's default cache (2 MiB per database) only adds
 * resident WebAssembly memory, which never goes back: 1.4 MB less at 100k
 * observations with 256 KiB (bench/soak.ts --smaps).
 */
export const PAGE_CACHE_KIB = 256;

/** Applies the page cache size above to a database just opened; returns it. */
export function withSmallCache(db: Database): Database {
  db.exec(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
  return db;
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  // Per-thread cache of an immutable module, not shared mutable state.
  if (!loading) {
    // Instantiated here rather than by sql.js so the memory export can be
    // measured (health, /metrics and the worker's recycling decision).
    loading = initSqlJs({
      instantiateWasm(imports, done) {
        // The file is read in here, not captured: V8 keeps its own copy of
        // the module's bytes, and this closure stays reachable from sql.js
        // for the thread's life (a captured read is 0.7 MB more).
        void WebAssembly.instantiate(readFileSync(wasmPath()), imports).then(({ instance }) => {
          const m = Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
          memory = (m as WebAssembly.Memory | undefined) ?? null;
          done(instance);
        });
        return {};
      },
    });
  }
  return loading;
}
