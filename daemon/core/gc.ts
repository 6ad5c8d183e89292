/**
 * A full garbage collection that also gives the freed heap pages back to the
 * OS, for the moments that leave a lot of garbage behind at once (a snapshot
 * export, an archive pass, a mesh-state save). Node has no API for it short
 * of the --expose-gc flag, which launchers would all have to pass: the flag
 * is set for this process here and the gc function taken from a fresh
 * context (the pattern test runners use to find leaks). The "last-resort"
 * flavour compacts and releases the emptied pages; a plain gc() frees the
 * objects but keeps their pages committed (measured after a mesh save: about
 * 6 MB of the store worker's heap pages stayed). It costs a few ms on a heap
 * of a few tens of MB.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Service } from "./service.ts";

type GcFunction = (options?: object) => void;

let cached: GcFunction | null | undefined;

function gcFunction(): GcFunction | null {
  if (cached !== undefined) return cached;
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    cached = typeof gc === "function" ? (gc as GcFunction) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * How often each thread runs that collection anyway. Between full
 * collections V8 lets the old generation grow towards its next limit, and a
 * gateway allocates steadily but little, so its RSS climbed 1-2 MB a minute
 * for five minutes and more before V8's own collection (bench/soak.ts
 * --samples at 1,000,000 observations). A few ms a minute.
 */
export const RELEASE_EVERY_MS = 60_000;

/** Runs the collection (or `release`) every `ms` until the returned function is called. */
export function releaseMemoryEvery(
  ms = RELEASE_EVERY_MS,
  release: (() => void) | null = memoryReleaser() ?? null,
): () => void {
  if (!release) return () => {};
  const timer = setInterval(release, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** The same as a daemon service (this thread's collections while it runs). */
export function periodicRelease(ms = RELEASE_EVERY_MS): Service {
  let stop = () => {};
  return {
    name: "memory",
    start: async () => {
      stop = releaseMemoryEvery(ms);
    },
    stop: async () => stop(),
  };
}

/** The collection described above, or undefined where the engine does not offer it. */
export function memoryReleaser(): (() => void) | undefined {
  const gc = gcFunction();
  if (!gc) return undefined;
  return () => gc({ type: "major", execution: "sync", flavor: "last-resort" });
}
