/**
 * Byte pipes to a radio: USB serial (serialport) or TCP. Both look the same
 * to a driver: write bytes, get bytes, learn when the pipe is gone.
 */
import net from "node:net";
import { SerialPort } from "serialport";
import { MeshgateError } from "../core/errors.ts";
import type { RadioConfig, RadioSettings } from "./types.ts";

export class RadioLinkError extends MeshgateError {}

export interface Connection {
  readonly describe: string;
  write(bytes: Uint8Array): void;
  onData(cb: (chunk: Uint8Array) => void): void;
  /** Called once, when the pipe closes for any reason. */
  onClose(cb: (err: Error) => void): void;
  close(): void;
}

export function describeTarget(cfg: RadioConfig): string {
  if (cfg.serial) return `serial:${cfg.serial.path}`;
  if (cfg.tcp) return `tcp:${cfg.tcp.host}:${cfg.tcp.port}`;
  return "none";
}

export function openConnection(cfg: RadioSettings, connectTimeoutMs: number): Promise<Connection> {
  if (cfg.serial) return openSerial(cfg.serial.path, cfg.serial.baud);
  if (cfg.tcp) return openTcp(cfg.tcp.host, cfg.tcp.port, connectTimeoutMs);
  return Promise.reject(new RadioLinkError("E_RADIO_CONFIG", `radio ${cfg.id}: no serial or tcp`));
}

abstract class BaseConnection implements Connection {
  private closeCbs: ((err: Error) => void)[] = [];
  private dataCbs: ((chunk: Uint8Array) => void)[] = [];
  private closed = false;
  abstract readonly describe: string;
  abstract write(bytes: Uint8Array): void;
  abstract close(): void;
  onData(cb: (chunk: Uint8Array) => void): void {
    this.dataCbs.push(cb);
  }
  onClose(cb: (err: Error) => void): void {
    this.closeCbs.push(cb);
  }
  protected data(chunk: Uint8Array): void {
    if (this.closed) return;
    for (const cb of this.dataCbs) cb(chunk);
  }
  protected closedBy(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.closeCbs.splice(0)) cb(err);
    this.dataCbs = [];
  }
}

class SerialConnection extends BaseConnection {
  readonly describe: string;
  constructor(private readonly port: SerialPort) {
    super();
    this.describe = `serial:${port.path}`;
    port.on("data", (b: Buffer) => this.data(b));
    port.on("error", (err: Error) => {
      this.closedBy(new RadioLinkError("E_RADIO_IO", `${this.describe}: ${err.message}`));
      if (port.isOpen) port.close(() => {});
    });
    port.on("close", (err?: Error & { disconnected?: boolean }) => {
      const why = err?.disconnected ? "device disconnected" : (err?.message ?? "closed");
      this.closedBy(new RadioLinkError("E_RADIO_CLOSED", `${this.describe}: ${why}`));
    });
  }
  write(bytes: Uint8Array): void {
    this.port.write(Buffer.from(bytes));
  }
  close(): void {
    this.closedBy(new RadioLinkError("E_RADIO_CLOSED", `${this.describe}: closed by meshgate`));
    if (this.port.isOpen) this.port.close(() => {});
  }
}

function openSerial(path: string, baudRate: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((err) => {
      if (err) {
        reject(new RadioLinkError("E_RADIO_OPEN", `serial:${path}: ${err.message}`));
        return;
      }
      resolve(new SerialConnection(port));
    });
  });
}

class TcpConnection extends BaseConnection {
  readonly describe: string;
  constructor(
    private readonly sock: net.Socket,
    host: string,
    port: number,
  ) {
    super();
    this.describe = `tcp:${host}:${port}`;
    sock.on("data", (b: Buffer) => this.data(b));
    sock.on("error", (err) =>
      this.closedBy(new RadioLinkError("E_RADIO_IO", `${this.describe}: ${err.message}`)),
    );
    sock.on("close", () =>
      this.closedBy(new RadioLinkError("E_RADIO_CLOSED", `${this.describe}: connection closed`)),
    );
    sock.on("end", () => sock.end());
  }
  write(bytes: Uint8Array): void {
    this.sock.write(bytes);
  }
  close(): void {
    this.closedBy(new RadioLinkError("E_RADIO_CLOSED", `${this.describe}: closed by meshgate`));
    this.sock.destroy();
  }
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new RadioLinkError("E_RADIO_OPEN", `tcp:${host}:${port}: connect timed out`));
    }, timeoutMs);
    sock.once("error", (err) => {
      clearTimeout(timer);
      sock.destroy();
      reject(new RadioLinkError("E_RADIO_OPEN", `tcp:${host}:${port}: ${err.message}`));
    });
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.removeAllListeners("error");
      sock.setNoDelay(true);
      // Keepalive finds a dead peer eventually; the silence watchdog finds it sooner.
      sock.setKeepAlive(true, 10_000);
      resolve(new TcpConnection(sock, host, port));
    });
  });
}
