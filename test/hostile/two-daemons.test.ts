/**
 * Two daemons on one port or one data directory: the second refuses to start
 * with a clear error instead of silently sharing (uWS's SO_REUSEPORT would
 * split requests between them; two stores overwrite each other's snapshots).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "../../daemon/store/lock.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { tempDir } from "../support/paths.ts";
import { freePort, refusal, SLOW_START_MS, until } from "../support/wait.ts";

const running: RunningDaemon[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

async function daemon(opts: Parameters<typeof startDaemon>[0]): Promise<RunningDaemon> {
  const d = await startDaemon({ timeoutMs: SLOW_START_MS, ...opts });
  running.push(d);
  return d;
}

describe("two daemons", () => {
  it.each(["uws", "node"])(
    "a second daemon on the same port (%s) refuses, naming the holder",
    async (engine) => {
      const port = await freePort();
      const yaml = `http:\n  engine: ${engine}\n`;
      const a = await daemon({ yaml, args: ["--port", String(port)] });
      expect(a.port).toBe(port);
      const out = await refusal(daemon({ yaml, args: ["--port", String(port)] }));
      expect(out).toContain(`port ${port} on 127.0.0.1 is already in use by PID ${a.proc.pid}`);
      expect(out).toMatch(/exited with 1/);
    },
    300_000,
  );

  it("a second daemon on the same data directory refuses with the holder's PID", async () => {
    const a = await daemon({});
    const out = await refusal(daemon({ dataDir: a.dataDir }));
    expect(out).toContain(`data directory locked by PID ${a.proc.pid}`);
    // The first is untouched and still serves.
    expect((await fetch(`${a.url}/api/health`)).status).toBeLessThan(500);
  }, 300_000);

  it("a lock left by a killed daemon is taken over; a clean stop removes it", async () => {
    const a = await daemon({});
    expect(await a.stop("SIGKILL")).toBe(null);
    const b = await daemon({ dataDir: a.dataDir });
    expect(b.output()).not.toContain("locked");
    // The lock names b now; a clean stop removes it.
    expect(readFileSync(join(a.dataDir, LOCK_FILE), "utf8")).toMatch(new RegExp(`^${b.proc.pid} `));
    await until(() => /\[meshgate:sim\] simulated mesh running/.test(b.output()), 10_000, "sim");
    await new Promise((r) => setTimeout(r, 500));
    const code = await b.stop();
    expect(code, b.output()).toBe(0);
    expect(existsSync(join(a.dataDir, LOCK_FILE))).toBe(false);
  }, 300_000);
});

describe("lockDataDir", () => {
  it("refuses a live owner, takes over a dead or recycled one, and releases only its own lock", () => {
    const dir = tempDir();
    const mine = lockDataDir(dir);
    // This process already holds it: another PID asking is refused with ours.
    expect(() => lockDataDir(dir, process.pid + 1_000_000)).toThrow(
      `data directory locked by PID ${process.pid}`,
    );
    mine.release();
    // A PID that is alive but started at another time (PID reuse) is stale.
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} 1\n`);
    const b = lockDataDir(dir, process.pid + 1_000_000);
    b.release();
    // A PID that does not exist is stale.
    writeFileSync(join(dir, LOCK_FILE), "999999999 -\n");
    lockDataDir(dir).release();
  });
});
