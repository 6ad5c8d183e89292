import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../daemon/cli/main.ts";
import {
  checkBroker,
  checkClock,
  checkDataDir,
  checkNode,
  checkSerial,
} from "../../daemon/doctor/checks.ts";
import { tempDir } from "../support/paths.ts";

function captureIO() {
  let out = "";
  let err = "";
  return {
    io: {
      stdin: process.stdin,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    },
    out: () => out,
    err: () => err,
  };
}

describe("doctor checks", () => {
  it("rejects an old Node.js, warns on an unsupported one, each with the fix", () => {
    expect(checkNode("18.19.0")).toMatchObject({
      verdict: "fail",
      fix: expect.stringMatching(/Node\.js 24 .*22 is still supported/),
    });
    expect(checkNode("20.11.1")).toMatchObject({
      verdict: "warn",
      detail: expect.stringMatching(/end of life/),
      fix: expect.stringMatching(/Node\.js 24/),
    });
    expect(checkNode("22.12.0").verdict).toBe("ok");
    expect(checkNode("24.1.0").verdict).toBe("ok");
  });

  it("explains a missing serial device", async () => {
    const r = await checkSerial({
      id: "r",
      driver: "companion",
      serial: { path: "/dev/ttyNOPE9", baud: 115200 },
      silentTimeoutSec: 600,
      commandTimeoutMs: 3000,
      setClock: true,
      allowKeyExport: false,
    });
    expect(r.verdict).toBe("fail");
    expect(r.detail).toMatch(/does not exist/);
    expect(r.fix).toMatch(/plug the radio in/);
  });

  it("measures a writable data directory and its free space", async () => {
    const results = await checkDataDir(join(tempDir(), "data"));
    expect(results.map((r) => r.name)).toEqual([
      "data directory: write",
      "data directory: free space",
    ]);
    expect(results[0]!.detail).toMatch(/MB\/s with fsync/);
    expect(results[1]!.detail).toMatch(/MB free/);
  });

  it("fails a data directory that cannot be created", async () => {
    // A regular file where a directory should be: mkdir fails with ENOTDIR.
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "x");
    const results = await checkDataDir(join(file, "data"));
    expect(results[0]!.verdict).toBe("fail");
    expect(results[0]!.fix).toMatch(/write access|store\.dataDir/);
  });

  it("judges the clock", () => {
    expect(checkClock(Date.UTC(2000, 0, 1), null).verdict).toBe("fail");
    expect(checkClock(Date.UTC(2026, 5, 1), false).verdict).toBe("warn");
    expect(checkClock(Date.UTC(2026, 5, 1), true).verdict).toBe("ok");
  });

  it("tells a reachable broker from a dead one", async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    expect((await checkBroker(`mqtt://127.0.0.1:${port}`, 2000)).verdict).toBe("ok");
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    const dead = await checkBroker(`mqtt://127.0.0.1:${port}`, 2000);
    expect(dead.verdict).toBe("fail");
    expect(dead.fix).toMatch(/broker/);
    expect((await checkBroker("not a url", 100)).verdict).toBe("fail");
  });
});

describe("meshgate doctor", () => {
  it("prints every check and exits 1 when one fails", async () => {
    const dir = tempDir();
    const c = captureIO();
    const code = await runCli(
      ["doctor", "--data-dir", join(dir, "data"), "--config", "/nonexistent.yaml"],
      c.io,
    );
    expect(code).toBe(2);
    expect(c.err()).toMatch(/config file not found/);

    const ok = captureIO();
    const okCode = await runCli(["doctor", "--data-dir", join(dir, "data")], ok.io);
    expect(ok.out()).toMatch(/\[ok {2}\] node: Node\.js/);
    expect(ok.out()).toMatch(/\[WARN\] radios: no radio configured/);
    expect(ok.out()).toMatch(/fix: add radios\[\]/);
    expect(ok.out()).toMatch(/\d+ checks: \d+ failed, \d+ warnings/);
    expect(okCode).toBe(ok.out().includes("[FAIL]") ? 1 : 0);
  }, 30_000);
});
