/**
 * Unauthenticated sockets against both HTTP engines, on loopback only and
 * bounded: silent and half-sent connections are closed by the server, and a
 * connection flood under a low descriptor limit (prlimit) leaves descriptors
 * free for the store, then the daemon serves again once the flood is gone.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RESERVED_FDS } from "../../daemon/http/fd-guard.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { SLOW_START_MS, until } from "../support/wait.ts";

const HAS_PRLIMIT = spawnSync("sh", ["-c", "command -v prlimit"]).status === 0;
const ENGINES = ["node", "uws"] as const;

const running: RunningDaemon[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const d of running.splice(0)) await d.stop();
});

async function daemon(engine: string, env?: NodeJS.ProcessEnv, prefix?: string[]) {
  const d = await startDaemon({
    timeoutMs: SLOW_START_MS,
    yaml: `http:\n  engine: ${engine}\n`,
    ...(env ? { env } : {}),
    ...(prefix ? { prefix } : {}),
  });
  running.push(d);
  return d;
}

/** Opens a loopback socket; resolves once connected (or refused/reset: then it is closed). */
function open(port: number, send?: string): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    sockets.push(s);
    s.on("error", () => {});
    s.once("connect", () => {
      if (send) s.write(send);
      resolve(s);
    });
    s.once("close", () => resolve(s));
  });
}

function fdsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

describe.each(ENGINES)("engine %s", (engine) => {
  it("closes sockets that send nothing or stop half-way through the headers", async () => {
    const d = await daemon(engine);
    const silent = await Promise.all(Array.from({ length: 10 }, () => open(d.port)));
    const partial = await Promise.all(
      Array.from({ length: 5 }, () => open(d.port, "GET /api/health HTTP/1.1\r\nHost: x\r\n")),
    );
    const closed = (s: Socket) => s.destroyed || s.readyState === "closed" || s.readableEnded;
    // Bounded by the test's timeout, not a wall-clock claim: they just close.
    await until(() => [...silent, ...partial].every(closed), 40_000, "idle sockets closed");
    expect((await fetch(`${d.url}/api/health`)).status).toBeLessThan(500);
  }, 180_000);

  it.skipIf(!HAS_PRLIMIT)(
    "a connection flood under a low fd limit keeps descriptors free for the store",
    async () => {
      const LIMIT = 300;
      const d = await daemon(engine, undefined, ["prlimit", `--nofile=${LIMIT}:${LIMIT}`]);
      const pid = d.proc.pid!;
      // Twice the limit, in bounded batches.
      for (let i = 0; i < 2 * LIMIT; i += 50) {
        await Promise.all(Array.from({ length: 50 }, () => open(d.port)));
      }
      let most = 0;
      for (let i = 0; i < 10; i++) {
        most = Math.max(most, fdsOf(pid));
        await new Promise((r) => setTimeout(r, 100));
      }
      // uWS has no accept hook: its watcher polls, so it may overshoot by a poll's accepts.
      expect(most).toBeLessThanOrEqual(LIMIT - RESERVED_FDS / 2);
      for (const s of sockets.splice(0)) s.destroy();
      // Serves again, and the store never ran out of descriptors.
      await until(() => fdsOf(pid) < LIMIT - RESERVED_FDS, 20_000, "flood sockets closed");
      let ok = false;
      await until(
        () => {
          void fetch(`${d.url}/api/health`).then(
            (r) => {
              ok = r.status < 500;
            },
            () => {},
          );
          return ok;
        },
        20_000,
        "health after the flood",
      );
      expect(d.output()).not.toMatch(/EMFILE|too many open files/i);
    },
    180_000,
  );
});
