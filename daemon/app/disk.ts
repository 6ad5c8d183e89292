import { statfs } from "node:fs/promises";
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { Service } from "../core/service.ts";

export interface DiskUsage {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/**
 * Free space of the data directory's file system, refreshed in the
 * background so /api/health never waits on the disk. A failing statfs is
 * logged once and leaves the last reading (or null).
 */
export class DiskWatcher implements Service {
  readonly name = "disk";
  private last: DiskUsage | null = null;
  private timer: NodeJS.Timeout | null = null;
  private warned = false;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly everyMs = 30_000,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  usage(): DiskUsage | null {
    return this.last;
  }

  async refresh(): Promise<void> {
    try {
      const s = await statfs(this.dir);
      this.last = { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch (err) {
      if (!this.warned)
        this.log.warn("cannot read free disk space", { dir: this.dir, error: errorMessage(err) });
      this.warned = true;
    }
  }
}
