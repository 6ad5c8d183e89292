/**
 * A real mosquitto broker for integration tests: started on a free loopback
 * port with a generated config (optionally a TLS listener with a throwaway
 * CA made by openssl), stoppable and restartable on the same port.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];
export const MOSQUITTO: string | null = CANDIDATES.find((p) => existsSync(p)) ?? null;
export const OPENSSL: string | null =
  ["/usr/bin/openssl", "/usr/local/bin/openssl"].find((p) => existsSync(p)) ?? null;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A client certificate signed by the same CA (for mutual TLS). */
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1 / localhost and a client certificate. */
export function makeTls(dir: string): TlsFiles {
  const bin = OPENSSL;
  if (!bin) throw new Error("openssl missing");
  const f = (n: string) => join(dir, n);
  // Words in {braces} are files in `dir`; split first so paths may hold spaces.
  const run = (cmd: string) =>
    execFileSync(
      bin,
      cmd.split(" ").map((w) => (w.startsWith("{") ? f(w.slice(1, -1)) : w)),
      { stdio: "pipe" },
    );
  run(
    "req -x509 -newkey rsa:2048 -nodes -keyout {ca.key} -out {ca.crt} -days 2 -subj /CN=meshgate-test-CA",
  );
  run("req -newkey rsa:2048 -nodes -keyout {server.key} -out {server.csr} -subj /CN=localhost");
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run(
    "x509 -req -in {server.csr} -CA {ca.crt} -CAkey {ca.key} -CAcreateserial -out {server.crt} -days 2 -extfile {ext.cnf}",
  );
  run("req -newkey rsa:2048 -nodes -keyout {client.key} -out {client.csr} -subj /CN=meshgate");
  run(
    "x509 -req -in {client.csr} -CA {ca.crt} -CAkey {ca.key} -CAcreateserial -out {client.crt} -days 2",
  );
  return {
    ca: f("ca.crt"),
    cert: f("server.crt"),
    key: f("server.key"),
    clientCert: f("client.crt"),
    clientKey: f("client.key"),
  };
}

export class Mosquitto {
  private proc: ChildProcess | null = null;
  readonly dir: string;
  private readonly conf: string;

  private constructor(
    readonly port: number,
    readonly tls: TlsFiles | null,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "meshgate-mosq-"));
    this.conf = join(this.dir, "mosquitto.conf");
  }

  /**
   * `persist`: keep sessions across a restart, so a subscriber that joined
   * before an outage gets what was published while it was away.
   */
  static async create(
    opts: { tls?: boolean; persist?: boolean; requireClientCert?: boolean } = {},
  ): Promise<Mosquitto> {
    const port = await freePort();
    const m = new Mosquitto(port, null);
    const tls = opts.tls ? makeTls(m.dir) : null;
    const lines = [`listener ${port} 127.0.0.1`, "allow_anonymous true", "log_dest none"];
    // Run as root, mosquitto drops to user "mosquitto", which cannot read our temp files.
    if (process.getuid?.() === 0) lines.push("user root");
    if (opts.persist) {
      lines.push("persistence true", `persistence_location ${m.dir}/`, "max_queued_messages 0");
    } else {
      lines.push("persistence false");
    }
    if (tls) lines.push(`cafile ${tls.ca}`, `certfile ${tls.cert}`, `keyfile ${tls.key}`);
    if (tls && opts.requireClientCert) lines.push("require_certificate true");
    writeFileSync(m.conf, `${lines.join("\n")}\n`);
    return Object.assign(m, { tls });
  }

  get url(): string {
    return `${this.tls ? "mqtts" : "mqtt"}://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  async start(): Promise<void> {
    if (!MOSQUITTO) throw new Error("mosquitto missing");
    const proc = spawn(MOSQUITTO, ["-c", this.conf], { stdio: "ignore" });
    this.proc = proc;
    proc.once("exit", () => {
      if (this.proc === proc) this.proc = null;
    });
    for (let i = 0; i < 100; i++) {
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`mosquitto did not listen on ${this.port}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    await exited;
    this.proc = null;
  }

  /** Freeze the broker (TCP stays open, nothing answers): a half-open link. */
  pause(): void {
    this.proc?.kill("SIGSTOP");
  }

  resume(): void {
    this.proc?.kill("SIGCONT");
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
