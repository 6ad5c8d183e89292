import { describe, expect, it } from "vitest";
import { DiskWatcher } from "../../daemon/app/disk.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import { tempDir } from "../support/paths.ts";

describe("DiskWatcher", () => {
  it("reads the data directory's free and total space", async () => {
    const w = new DiskWatcher(tempDir(), silentLogger());
    await w.start();
    const u = w.usage();
    await w.stop();
    expect(u).not.toBeNull();
    expect(u!.totalBytes).toBeGreaterThan(0);
    expect(u!.freeBytes).toBeGreaterThanOrEqual(0);
    expect(u!.freeBytes).toBeLessThanOrEqual(u!.totalBytes);
  });

  it("answers null, without throwing, for a directory that is not there", async () => {
    const w = new DiskWatcher("/nonexistent/meshgate-data", silentLogger());
    await w.start();
    expect(w.usage()).toBeNull();
    await w.stop();
  });
});
