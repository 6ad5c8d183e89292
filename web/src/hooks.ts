/** Preact hooks shared by the pages. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiResult } from "./api.ts";

export type Loadable<T> = ApiResult<T> | { readonly kind: "loading" };

/**
 * Loads once and then every `pollMs` (0: once). While the daemon answers 503
 * the hook retries after its Retry-After, so pages show progress and then
 * fill in by themselves.
 */
export function useApi<T>(
  load: () => Promise<ApiResult<T>>,
  deps: readonly unknown[],
  pollMs = 0,
): Loadable<T> {
  const [state, setState] = useState<Loadable<T>>({ kind: "loading" });
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    setState({ kind: "loading" });
    const run = async () => {
      const r = await loadRef.current();
      if (!alive) return;
      // Keep showing good data through a transient failure of a poll.
      setState((prev) => (prev.kind === "ok" && r.kind === "error" ? prev : r));
      const next = r.kind === "building" ? r.retryAfterSec * 1000 : pollMs;
      if (next > 0) timer = setTimeout(run, next);
    };
    void run();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, deps);
  return state;
}

/** Re-renders every `ms` so "5s ago" labels keep moving. */
export function useTick(ms: number): number {
  const [t, setT] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setT(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return t;
}
