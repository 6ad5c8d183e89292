import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { SdNotify } from "../../daemon/system/sdnotify.ts";
import { startDaemon } from "../support/daemon.ts";
import { tempDir } from "../support/paths.ts";
import { until } from "../support/wait.ts";

const hasTools = (() => {
  try {
    execFileSync("sh", ["-c", "command -v python3 && command -v systemd-notify"], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
})();

/**
 * A fake NOTIFY_SOCKET: a Python datagram receiver appends each message to a
 * file and closes any file descriptor passed along (systemd-notify's BARRIER
 * waits for that, as systemd itself does).
 */
const RECEIVER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(64))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                for i in range(0, len(data) - len(data) % 4, 4):
                    os.close(int.from_bytes(data[i:i + 4], sys.byteorder))
        out.write(msg + b"\\n")
`;
async function fakeNotifySocket() {
  const dir = tempDir("meshgate-notify-");
  const socket = join(dir, "notify.sock");
  const out = join(dir, "received.txt");
  const proc = spawn("python3", ["-c", RECEIVER, socket, out], { stdio: "ignore" });
  // The output file appears once the socket is bound.
  await until(() => existsSync(out), 15_000);
  return {
    socket,
    read: () => (existsSync(out) ? readFileSync(out, "utf8") : ""),
    close: () => proc.kill(),
  };
}

/**
 * A test that runs `body` with a fake NOTIFY_SOCKET (stopped afterwards
 * whatever happens) and the environment systemd gives a service with that
 * socket and a watchdog of `watchdogSec`; skipped where python3 or
 * systemd-notify is missing.
 */
function itWithNotifySocket(
  name: string,
  { timeoutMs, watchdogSec }: { timeoutMs: number; watchdogSec: number },
  body: (
    fake: Awaited<ReturnType<typeof fakeNotifySocket>>,
    env: Record<string, string>,
  ) => Promise<void>,
): void {
  it.skipIf(!hasTools)(
    name,
    async () => {
      const fake = await fakeNotifySocket();
      try {
        await body(fake, { NOTIFY_SOCKET: fake.socket, WATCHDOG_USEC: String(watchdogSec * 1e6) });
      } finally {
        fake.close();
      }
    },
    timeoutMs,
  );
}

describe("SdNotify", () => {
  it("is a no-op outside systemd", async () => {
    const sent: string[][] = [];
    const n = new SdNotify({
      env: {},
      log: silentLogger(),
      send: async (_s, _p, l) => {
        sent.push([...l]);
        return null;
      },
    });
    expect(n.enabled).toBe(false);
    await n.ready("x");
    n.startWatchdog();
    expect(sent).toEqual([]);
    expect(n.watchdogMs).toBeNull();
  });

  it("honours WATCHDOG_PID meant for another process", () => {
    const n = new SdNotify({
      env: { NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "2000000", WATCHDOG_PID: "1" },
      pid: 42,
      log: silentLogger(),
    });
    expect(n.watchdogMs).toBeNull();
  });

  it("counts failures instead of throwing", async () => {
    const n = new SdNotify({
      env: { NOTIFY_SOCKET: "/x" },
      log: silentLogger(),
      send: async () => "boom",
    });
    await n.ready("x");
    await n.status("y");
    expect(n.failures).toBe(2);
  });

  it("asks for more start-up time with EXTEND_TIMEOUT_USEC and a status", async () => {
    const sent: string[][] = [];
    const n = new SdNotify({
      env: { NOTIFY_SOCKET: "/x" },
      log: silentLogger(),
      send: async (_s, _p, l) => {
        sent.push([...l]);
        return null;
      },
    });
    await n.extendTimeout(30_000, "starting: loading the store");
    expect(sent).toEqual([["EXTEND_TIMEOUT_USEC=30000000", "STATUS=starting: loading the store"]]);
  });

  itWithNotifySocket(
    "sends READY, STATUS and WATCHDOG pings through a real socket",
    { timeoutMs: 20_000, watchdogSec: 1 },
    async (fake, env) => {
      const n = new SdNotify({ env, log: silentLogger() });
      expect(n.watchdogMs).toBe(1000);
      await n.ready("serving");
      n.startWatchdog();
      await until(() => (fake.read().match(/WATCHDOG=1/g) ?? []).length >= 2, 10_000);
      await n.stopping();
      await until(() => fake.read().includes("STOPPING=1"), 5_000);
      const got = fake.read();
      expect(got).toContain("READY=1");
      expect(got).toContain("STATUS=serving");
      expect(got).toContain(`MAINPID=${process.pid}`);
      expect(n.failures).toBe(0);
    },
  );

  itWithNotifySocket(
    "the daemon reports READY once serving and STOPPING on SIGTERM",
    { timeoutMs: 60_000, watchdogSec: 2 },
    async (fake, env) => {
      const d = await startDaemon({ env });
      await until(() => fake.read().includes("READY=1"), 10_000).catch((e) => {
        throw new Error(`${e.message}: got ${JSON.stringify(fake.read())}\n${d.output()}`);
      });
      expect(fake.read()).toMatch(/STATUS=serving on port \d+/);
      // While the store loads, systemd is asked for more time, before READY.
      const got = fake.read();
      expect(got).toContain("EXTEND_TIMEOUT_USEC=30000000");
      expect(got.indexOf("EXTEND_TIMEOUT_USEC")).toBeLessThan(got.indexOf("READY=1"));
      await until(() => fake.read().includes("WATCHDOG=1"), 10_000);
      expect(await d.stop("SIGTERM")).toBe(0);
      await until(() => fake.read().includes("STOPPING=1"), 5_000);
    },
  );
});
