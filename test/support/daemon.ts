import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, tempDir } from "./paths.ts";

export interface RunningDaemon {
  proc: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts the daemon from source as a child process with a YAML config and
 * resolves once it prints its listening line.
 */
export async function startDaemon(opts: {
  yaml?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  timeoutMs?: number;
  /** Script to run instead of the source entry (e.g. an installed bundle). */
  entry?: string;
  cwd?: string;
  /** A command that execs the daemon, e.g. ["prlimit", "--nofile=300:300"] (same PID). */
  prefix?: string[];
}): Promise<RunningDaemon> {
  const dataDir = opts.dataDir ?? tempDir("meshgate-daemon-");
  const cfgPath = join(dataDir, "..", `${dataDir.split("/").pop()}.yaml`);
  writeFileSync(cfgPath, opts.yaml ?? "");
  const prefix = opts.prefix ?? [];
  const proc = spawn(
    prefix[0] ?? process.execPath,
    [
      ...(prefix.length > 0 ? [...prefix.slice(1), process.execPath] : []),
      ...(opts.entry ? [opts.entry] : ["--import", "tsx", join(REPO_ROOT, "daemon/main.ts")]),
      "run",
      "--config",
      cfgPath,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--data-dir",
      dataDir,
      ...(opts.args ?? []),
    ],
    {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((res) => proc.once("exit", (code) => res(code)));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`daemon did not start in time; output:\n${out}`)),
      opts.timeoutMs ?? 30_000,
    );
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    proc.stdout?.on("data", check);
    proc.stderr?.on("data", check);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`daemon exited with ${code} before listening; output:\n${out}`));
    });
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}
