/**
 * Preloaded into a measured daemon with `NODE_OPTIONS=--import <this file>`
 * (bench/soak.ts --smaps): every thread that loads it (the main thread and
 * the store worker, which inherits NODE_OPTIONS) writes its V8 heap figures
 * to `$MESHGATE_HEAP_PROBE_DIR/<threadId>.json` every second, so the bench
 * can read them from outside. Plain JavaScript: no loader in the daemon.
 * The timer is unref'd and the probe only writes files.
 */
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { isMainThread, threadId } from "node:worker_threads";

const dir = process.env.MESHGATE_HEAP_PROBE_DIR;
if (dir) {
  const write = () => {
    const h = getHeapStatistics();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]),
    );
    const code = getHeapCodeStatistics();
    const out = {
      thread: isMainThread ? "main" : `worker ${threadId}`,
      totalPhysical: h.total_physical_size,
      used: h.used_heap_size,
      malloced: h.malloced_memory,
      external: h.external_memory,
      spaces,
      bytecodeAndMetadata: code.bytecode_and_metadata_size,
      code: code.code_and_metadata_size,
    };
    try {
      // Renamed into place so a reader never sees half a file.
      const tmp = join(dir, `${threadId}.tmp`);
      writeFileSync(tmp, JSON.stringify(out));
      renameSync(tmp, join(dir, `${threadId}.json`));
    } catch {
      // The bench removed the directory: nothing to report to.
    }
  };
  write();
  setInterval(write, 1000).unref();
}
