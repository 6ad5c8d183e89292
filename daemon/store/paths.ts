/**
 * Where the store's companion files live. Running from source (vitest, tsx)
 * this module is a .ts file inside daemon/store/; in the esbuild bundle it is
 * inlined into dist/meshgate.mjs or dist/store-worker.mjs, beside which the
 * build copies sql-wasm.wasm and schema/.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const fromSource = import.meta.url.endsWith(".ts");

/** The worker entry and the Worker options needed to run it. */
export function workerEntry(): {
  url: URL;
  execArgv: string[];
  workerData: Record<string, string>;
} {
  if (!fromSource)
    return { url: new URL("./store-worker.mjs", import.meta.url), execArgv: [], workerData: {} };
  // Node 20 ignores `--import tsx` in a worker's execArgv for a .ts entry, so
  // a tiny .mjs registers tsx and then imports the real entry.
  return {
    url: new URL("./worker-boot.mjs", import.meta.url),
    execArgv: [],
    workerData: { entry: new URL("./worker.ts", import.meta.url).href },
  };
}

export function defaultSchemaDir(): string {
  return fileURLToPath(new URL(fromSource ? "../../schema/" : "./schema/", import.meta.url));
}

export function wasmPath(): string {
  if (!fromSource) return fileURLToPath(new URL("./sql-wasm.wasm", import.meta.url));
  return createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm");
}
