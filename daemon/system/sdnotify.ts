import { execFile } from "node:child_process";
import type { Logger } from "../core/log.ts";

/** Sends one notification; resolves with an error message or null. */
export type NotifySender = (
  socket: string,
  pid: number,
  lines: readonly string[],
) => Promise<string | null>;

/**
 * Node cannot send unix datagrams itself, so the message goes through
 * systemd's own `systemd-notify --pid=<our pid>` (the unit sets
 * NotifyAccess=all so systemd accepts it from the helper process).
 */
const systemdNotify: NotifySender = (socket, pid, lines) =>
  new Promise((resolve) => {
    execFile(
      "systemd-notify",
      [`--pid=${pid}`, ...lines],
      { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: 5_000 },
      (err, _out, stderr) => resolve(err ? `${err.message} ${String(stderr).trim()}`.trim() : null),
    );
  });

export interface SdNotifyOptions {
  env?: NodeJS.ProcessEnv;
  pid?: number;
  log: Logger;
  send?: NotifySender;
  /** Consulted before each watchdog ping: a sick daemon should be restarted, not kept alive. */
  healthy?: () => boolean;
}

/**
 * sd_notify for `Type=notify` units: READY, STATUS, WATCHDOG, STOPPING, and
 * EXTEND_TIMEOUT_USEC while a long start-up (journal replay) is under way.
 * A no-op when NOTIFY_SOCKET is unset (not under systemd).
 */
export class SdNotify {
  readonly socket: string | null;
  readonly watchdogMs: number | null;
  private readonly pid: number;
  private readonly send: NotifySender;
  private timer: NodeJS.Timeout | null = null;
  failures = 0;
  sent = 0;

  constructor(private readonly opts: SdNotifyOptions) {
    const env = opts.env ?? process.env;
    this.pid = opts.pid ?? process.pid;
    this.socket = env.NOTIFY_SOCKET || null;
    this.send = opts.send ?? systemdNotify;
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === this.pid;
    this.watchdogMs = this.socket && forUs && usec > 0 ? Math.floor(usec / 1000) : null;
  }

  get enabled(): boolean {
    return this.socket !== null;
  }

  ready(status: string): Promise<void> {
    return this.notify(["READY=1", `STATUS=${status}`]);
  }

  /**
   * Asks systemd for `ms` more before it gives up on the start (or stop):
   * a journal replay after a power cut can outlast TimeoutStartSec on a slow
   * card, and a start killed half-way would only replay again.
   */
  extendTimeout(ms: number, status: string): Promise<void> {
    return this.notify([`EXTEND_TIMEOUT_USEC=${Math.round(ms * 1000)}`, `STATUS=${status}`]);
  }

  status(status: string): Promise<void> {
    return this.notify([`STATUS=${status}`]);
  }

  stopping(): Promise<void> {
    this.stopWatchdog();
    return this.notify(["STOPPING=1", "STATUS=stopping"]);
  }

  /** Pings at half the watchdog interval while the event loop runs and the daemon is healthy. */
  startWatchdog(): void {
    if (this.watchdogMs === null || this.timer) return;
    this.timer = setInterval(
      () => {
        if (this.opts.healthy && !this.opts.healthy()) {
          this.opts.log.warn("skipping watchdog ping: daemon unhealthy");
          return;
        }
        void this.notify(["WATCHDOG=1"]);
      },
      Math.max(500, Math.floor(this.watchdogMs / 2)),
    );
    this.timer.unref();
  }

  stopWatchdog(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async notify(lines: string[]): Promise<void> {
    if (!this.socket) return;
    const err = await this.send(this.socket, this.pid, lines);
    if (err) {
      this.failures++;
      if (this.failures === 1 || this.failures % 100 === 0) {
        this.opts.log.warn("sd_notify failed", { error: err, failures: this.failures });
      }
      return;
    }
    this.sent++;
  }
}
