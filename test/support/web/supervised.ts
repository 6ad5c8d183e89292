/**
 * The real daemon under a tiny supervisor that does what systemd's
 * Restart=on-failure does: when meshgate exits with a non-zero status
 * (the UI's restart exits 75) it is started again with the same arguments.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { REPO_ROOT as ROOT } from "../paths.ts";

export class SupervisedDaemon {
  private child: ChildProcess | null = null;
  private stopping = false;
  private log = "";
  /** Exit statuses seen, in order. */
  readonly exits: (number | null)[] = [];
  starts = 0;

  constructor(private readonly config: string) {}

  /** Everything every run wrote to stderr. */
  output(): string {
    return this.log;
  }

  start(): void {
    this.starts++;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "daemon/main.ts", "run", "--config", this.config],
      {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, MESHGATE_LOG_FORMAT: "text" },
      },
    );
    this.child = child;
    child.stderr?.on("data", (b: Buffer) => {
      this.log += b.toString("utf8");
      if (this.log.length > 4_000_000) this.log = this.log.slice(-2_000_000);
    });
    child.once("exit", (code) => {
      this.exits.push(code);
      if (this.child === child) this.child = null;
      if (!this.stopping && code !== 0) setTimeout(() => this.start(), 300);
    });
  }

  /** `meshgate setup-code` against the same config, as an operator would run it. */
  setupCode(): string {
    return execFileSync(
      process.execPath,
      ["--import", "tsx", "daemon/main.ts", "setup-code", "--config", this.config],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGTERM");
    const t = setTimeout(() => c.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(t);
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
