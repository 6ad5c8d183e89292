/** A real pty pair from socat, and a host-side reader, for firmware tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";

export interface PtyPair {
  /** The firmware's end. */
  readonly device: string;
  /** The host's end. */
  readonly host: string;
  close(): Promise<void>;
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "meshgate-sim-"));
  const device = join(dir, "ttyDev");
  const host = join(dir, "ttyHost");
  const proc: ChildProcess = spawn(
    "socat",
    [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 100 && !(existsSync(device) && existsSync(host)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(device) || !existsSync(host))
    throw new Error("socat did not create the pty pair");
  return {
    device,
    host,
    close: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The host side: everything received is kept in `bytes`. */
export class HostPort {
  bytes = new Uint8Array(0);
  private constructor(private readonly port: SerialPort) {
    port.on("data", (chunk: Buffer) => {
      const merged = new Uint8Array(this.bytes.length + chunk.length);
      merged.set(this.bytes);
      merged.set(chunk, this.bytes.length);
      this.bytes = merged;
    });
  }

  static async open(path: string): Promise<HostPort> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    return new HostPort(port);
  }

  write(bytes: Uint8Array | string): void {
    this.port.write(typeof bytes === "string" ? Buffer.from(bytes) : Buffer.from(bytes));
  }

  text(): string {
    return Buffer.from(this.bytes).toString("utf8");
  }

  clear(): void {
    this.bytes = new Uint8Array(0);
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((r) => this.port.close(() => r()));
  }
}

export async function waitFor<T>(
  fn: () => T | undefined | null | false,
  what: string,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Split `>` frames (radio to host) out of a byte stream. */
export function companionFrames(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i + 3 <= bytes.length) {
    if (bytes[i] !== 0x3e) {
      i++;
      continue;
    }
    const len = (bytes[i + 1] ?? 0) | ((bytes[i + 2] ?? 0) << 8);
    if (i + 3 + len > bytes.length) break;
    out.push(bytes.slice(i + 3, i + 3 + len));
    i += 3 + len;
  }
  return out;
}

/** Split and unescape KISS frames: [type, ...data]. */
export function kissFrames(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: number[] | null = null;
  let esc = false;
  for (const b of bytes) {
    if (b === 0xc0) {
      if (cur && cur.length > 0) out.push(Uint8Array.from(cur));
      cur = [];
      continue;
    }
    if (!cur) continue;
    if (esc) {
      cur.push(b === 0xdc ? 0xc0 : b === 0xdd ? 0xdb : b);
      esc = false;
    } else if (b === 0xdb) esc = true;
    else cur.push(b);
  }
  return out;
}
