/**
 * Connection limits below the process's file-descriptor limit. Every socket
 * is a descriptor, and so are the store's journal and snapshot files, serial
 * ports and broker connections: unbounded unauthenticated sockets would make
 * the journal fail with EMFILE. The HTTP engines accept connections only
 * while `RESERVED_FDS` descriptors stay free for everything else.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Descriptors kept for the store, radios, brokers and Node itself. */
export const RESERVED_FDS = 128;
/** Client connections at most when the fd limit allows more. */
export const MAX_CONNECTIONS = 1000;
/**
 * A connection that sends nothing for this long is closed (uWS's own HTTP
 * idle timeout is the same 10 s); WebSockets have their own pings.
 */
export const IDLE_TIMEOUT_MS = 10_000;
/** Never cap below this (a tiny limit still serves the UI). */
const MIN_CONNECTIONS = 16;

/** The soft RLIMIT_NOFILE from /proc/self/limits; null where unknown. */
export function fdLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return null;
    }
  }
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (!m || m[1] === "unlimited") return null;
  return Number(m[1]);
}

/** Descriptors open now (Linux); null where unknown. */
export function openFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

/**
 * Most client connections at once: the fd limit less the reserve, and never
 * more than `configured`.
 */
export function connectionCap(configured = MAX_CONNECTIONS, limit = fdLimit()): number {
  if (limit === null) return configured;
  return Math.max(MIN_CONNECTIONS, Math.min(configured, limit - RESERVED_FDS));
}

/**
 * For an engine that cannot refuse single connections (uWS has no accept
 * hook): polls the open descriptors and calls `pause` while fewer than
 * RESERVED_FDS remain free, `resume` once a tenth of the headroom is back.
 */
export class FdWatch {
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  /** Times accepting was paused. */
  pauses = 0;

  constructor(
    private readonly limit: number,
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly count: () => number | null = openFds,
  ) {}

  /**
   * A loopback flood opens hundreds of sockets in a few ms, so the watch
   * looks every 25 ms (a slower look when calm let a flood through in tests).
   * Reading /proc/self/fd took ~200 us a look on a busy 2-core x86 (20,000
   * reads of a 20-entry folder): 0.8% of a core at 40 looks a second.
   */
  start(): void {
    const tick = () => {
      this.check();
      this.timer = setTimeout(tick, WATCH_MS);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One look at the open descriptors. */
  check(): void {
    const n = this.count();
    if (n === null) return;
    const high = this.limit - RESERVED_FDS;
    if (!this.paused && n >= high) {
      this.paused = true;
      this.pauses++;
      this.pause();
    } else if (this.paused && n < high - Math.ceil(RESERVED_FDS / 10)) {
      this.paused = false;
      this.resume();
    }
  }
}

const WATCH_MS = 25;
