/**
 * Real pseudo-terminal pairs through socat, as a USB radio would appear:
 * meshgate opens one end, a scripted peer plays the firmware on the other.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SerialPort } from "serialport";

export interface PtyPair {
  /** The end meshgate opens (the "radio device"). */
  readonly device: string;
  /** The end the scripted firmware uses. */
  readonly peer: string;
  kill(): Promise<void>;
}

export function tempDir(prefix = "mg-radio-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function waitUntil(
  cond: () => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function ptyPair(dir: string, names = ["ttyRadio", "ttyPeer"]): Promise<PtyPair> {
  const device = path.join(dir, names[0]!);
  const peer = path.join(dir, names[1]!);
  const proc: ChildProcess = spawn(
    "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${peer}`],
    { stdio: "ignore" },
  );
  let exited = false;
  proc.on("exit", () => {
    exited = true;
  });
  await waitUntil(() => (existsSync(device) && existsSync(peer)) || exited, 10_000, "socat links");
  if (exited) throw new Error("socat exited");
  return {
    device,
    peer,
    kill: async () => {
      if (exited) return;
      proc.kill("SIGTERM");
      await waitUntil(() => exited, 5000, "socat exit");
      await waitUntil(() => !existsSync(device), 5000, "pty links gone");
    },
  };
}

/** The firmware side of a link: bytes in, bytes out. */
export interface PeerPipe {
  write(b: Uint8Array): void;
  onData(cb: (b: Uint8Array) => void): void;
  close(): Promise<void>;
}

export function openPeerSerial(p: string): Promise<PeerPipe> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: p, baudRate: 115200, autoOpen: false });
    port.open((err) => {
      if (err) return reject(err);
      port.on("error", () => {});
      resolve({
        write: (b) => {
          port.write(Buffer.from(b));
        },
        onData: (cb) => port.on("data", (b: Buffer) => cb(new Uint8Array(b))),
        close: () => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())),
      });
    });
  });
}
