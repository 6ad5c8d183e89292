/**
 * One chromium against one real daemon for a describe block: the hooks build
 * dist/web, start the daemon (with the simulated mesh) and the browser, wait
 * for what the block needs, and stop both after it.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { HAVE_CHROMIUM, TestBrowser, type Watched } from "./browser.ts";
import { getJson } from "./checks.ts";
import { HAVE_DAEMON, type RealDaemon, startRealDaemon } from "./daemon.ts";
import { prepareDistWeb } from "./setup.ts";

export interface DaemonSession {
  /** The running daemon (set once the block's beforeAll has run). */
  readonly daemon: RealDaemon;
  readonly browser: TestBrowser;
  /** GET a JSON answer from the daemon. */
  api<T>(path: string): Promise<T>;
  /** A new watched page at the daemon's `hash`, once `selector` shows. */
  open(hash: string, selector?: string, timeout?: number): Promise<Watched>;
}

export interface DaemonSessionOptions {
  /** How long start-up and `ready` may take together. */
  timeoutMs: number;
  daemon?: Parameters<typeof startRealDaemon>[0];
  viewport?: { width: number; height: number };
  /** What the block waits for once both run (nodes heard, a routed packet...). */
  ready?: (daemon: RealDaemon) => Promise<void>;
}

/**
 * A describe block of browser tests against one real daemon (its session
 * handed to `body`), skipped where chromium or the daemon is missing or
 * `skip` says so; `timeoutMs` bounds each test as well as the start-up.
 */
export function describeWithDaemon(
  name: string,
  opts: DaemonSessionOptions & { skip?: boolean },
  body: (s: DaemonSession) => void,
): void {
  describe.skipIf(!HAVE_CHROMIUM || !HAVE_DAEMON || opts.skip === true)(
    name,
    { timeout: opts.timeoutMs },
    () => body(daemonSession(opts)),
  );
}

export function daemonSession(opts: DaemonSessionOptions): DaemonSession {
  let running: RealDaemon | undefined;
  const browser = new TestBrowser();
  const session: DaemonSession = {
    get daemon(): RealDaemon {
      if (!running) throw new Error("daemon not started");
      return running;
    },
    browser,
    api: <T>(path: string) => getJson<T>(`${session.daemon.url}${path}`),
    open: (hash, selector, timeout) =>
      browser.open(`${session.daemon.url}/${hash}`, selector, timeout),
  };
  beforeAll(async () => {
    await prepareDistWeb();
    running = await startRealDaemon(opts.daemon);
    await browser.start(opts.viewport);
    await opts.ready?.(running);
  }, opts.timeoutMs);
  afterAll(async () => {
    await browser.stop();
    await running?.stop();
  });
  return session;
}
