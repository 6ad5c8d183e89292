/**
 * Serve a simulated firmware on a pty (one end of a socat pair, opened with
 * serialport like a USB radio) or on a TCP port (like a companion's Wi-Fi
 * link). One device per server; its state (clock, radio params) outlives
 * TCP reconnects as a real radio's would.
 */
import { createServer, type Server, type Socket } from "node:net";
import { SerialPort } from "serialport";
import { MeshgateError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import type { MeshSimulator } from "../simulator.ts";
import { CompanionFirmware } from "./companion.ts";
import type { FirmwareDevice, FirmwareKind, FirmwareOptions, HostRecord } from "./device.ts";
import { KissFirmware } from "./kiss.ts";
import { RepeaterLogFirmware } from "./repeater-log.ts";

export class SimulateError extends MeshgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_SIMULATE", message, options);
  }
}

export interface FirmwareServerOptions {
  readonly firmware: FirmwareKind;
  readonly sim: MeshSimulator;
  /** Serve on this pty / serial path ... */
  readonly pty?: string;
  /** ... or on this TCP port (0 = any free port). */
  readonly tcpPort?: number;
  /** TCP bind address; loopback unless told otherwise. */
  readonly tcpHost?: string;
  readonly log?: Logger;
  readonly clock?: () => number;
  readonly bootEpochSec?: number;
  readonly allowKeyExport?: boolean;
  readonly seed?: number;
}

/** Past this much unsent output (nobody reading the other end), drop output. */
const MAX_BACKLOG = 256 * 1024;

/** The simulated firmware of each radio driver (radio/drivers.ts), by the same kind. */
export const FIRMWARES: Readonly<Record<FirmwareKind, (o: FirmwareOptions) => FirmwareDevice>> = {
  companion: (o) => new CompanionFirmware(o),
  kiss: (o) => new KissFirmware(o),
  "repeater-log": (o) => new RepeaterLogFirmware(o),
};

export function createDevice(kind: FirmwareKind, o: FirmwareOptions): FirmwareDevice {
  return FIRMWARES[kind](o);
}

export class FirmwareServer {
  readonly device: FirmwareDevice;
  /** Output bytes dropped because the host was not reading. */
  dropped = 0;
  private readonly o: FirmwareServerOptions;
  private port: SerialPort | null = null;
  private server: Server | null = null;
  private socket: Socket | null = null;

  constructor(o: FirmwareServerOptions) {
    if ((o.pty === undefined) === (o.tcpPort === undefined)) {
      throw new SimulateError("give exactly one of a pty path or a TCP port");
    }
    this.o = o;
    this.device = createDevice(o.firmware, {
      sim: o.sim,
      out: (b) => this.write(b),
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.bootEpochSec !== undefined ? { bootEpochSec: o.bootEpochSec } : {}),
      ...(o.allowKeyExport !== undefined ? { allowKeyExport: o.allowKeyExport } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.o.pty !== undefined) await this.openPty(this.o.pty);
    else await this.listen(this.o.tcpPort ?? 0);
    if (this.o.pty !== undefined && this.device instanceof RepeaterLogFirmware)
      this.device.banner();
    this.o.sim.start((rx) => this.device.heard(rx));
  }

  async stop(): Promise<void> {
    this.o.sim.stop();
    this.device.close();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
    this.socket?.destroy();
    this.socket = null;
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** The TCP port actually bound (for --tcp 0), or null on a pty. */
  tcpPort(): number | null {
    const a = this.server?.address();
    return a && typeof a === "object" ? a.port : null;
  }

  record(): HostRecord {
    return this.device.record();
  }

  private async openPty(path: string): Promise<void> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err
          ? reject(new SimulateError(`cannot open ${path}: ${err.message}`, { cause: err }))
          : resolve(),
      ),
    );
    port.on("data", (chunk: Buffer) => this.device.input(new Uint8Array(chunk)));
    port.on("error", (err) => this.o.log?.warn("pty error", { err: err.message }));
    this.port = port;
  }

  private async listen(portNo: number): Promise<void> {
    const server = createServer((sock) => {
      // One host at a time, like the firmware's single TCP client slot.
      this.socket?.destroy();
      this.socket = sock;
      sock.setNoDelay(true);
      sock.on("data", (chunk) => this.device.input(new Uint8Array(chunk)));
      sock.on("error", () => {});
      sock.on("close", () => {
        if (this.socket === sock) this.socket = null;
      });
      if (this.device instanceof RepeaterLogFirmware) this.device.banner();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) =>
        reject(new SimulateError(`cannot listen on ${portNo}: ${err.message}`, { cause: err })),
      );
      server.listen(portNo, this.o.tcpHost ?? "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  private write(bytes: Uint8Array): void {
    const sink = this.port ?? this.socket;
    if (!sink || sink.destroyed) return;
    if (sink.writableLength > MAX_BACKLOG) {
      this.dropped += bytes.length;
      return;
    }
    sink.write(bytes);
  }
}
