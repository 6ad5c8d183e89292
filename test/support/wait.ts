/** Shared bits of the hostile suite: free ports, bounded waits, captured runs. */
import { createServer } from "node:net";

/**
 * How long a daemon may take to start here: these tests start several, and
 * on a loaded machine a store's first start alone can pass 30 s.
 */
export const SLOW_START_MS = 120_000;

/** A port nothing listens on right now (bound on port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `cond` every 20 ms until it holds or `ms` pass (then throws `what`). */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The output of a daemon that refused to start (startDaemon rejects with it). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("the daemon started but should have refused");
}
