/**
 * What the three simulated radio firmwares share: a device fed host bytes
 * and mesh receptions, writing its replies through `out`, and keeping a
 * record of what the host did so tests can check a driver's behaviour.
 */
import { toHex } from "../../core/bytes.ts";
import type { DriverKind, RxPacket } from "../../core/types.ts";
import { Rng } from "../rng.ts";
import type { MeshSimulator } from "../simulator.ts";

/** A simulated firmware per radio driver kind. */
export type FirmwareKind = DriverKind;

export interface HostCommand {
  readonly at: number;
  /** Command name ("DEVICE_QUERY", "SetRadio", "get name", ...). */
  readonly name: string;
  /** The command frame / line as received, lower hex or text. */
  readonly data: string;
}

export interface HostRecord {
  readonly commands: readonly HostCommand[];
  /** Raw packets the host made the radio transmit. */
  readonly transmits: readonly { readonly at: number; readonly raw: Uint8Array }[];
  /** Clock values (epoch seconds) the host set and the device accepted. */
  readonly timeSet: readonly number[];
}

export interface FirmwareDevice {
  readonly kind: FirmwareKind;
  /** Bytes from the host (serial or TCP). */
  input(chunk: Uint8Array): void;
  /** One packet the simulated radio heard. */
  heard(rx: RxPacket): void;
  record(): HostRecord;
  /** Cancel pending timers (TxDone etc.). */
  close(): void;
}

export interface FirmwareOptions {
  readonly sim: MeshSimulator;
  /** Where the device writes (the current connection). */
  readonly out: (bytes: Uint8Array) => void;
  /** Host clock, ms since epoch. */
  readonly clock?: () => number;
  /** The device's RTC at boot, epoch seconds (default: a stale 2024 date, as after power loss). */
  readonly bootEpochSec?: number;
  /** Companion: answer EXPORT_PRIVATE_KEY (else DISABLED). */
  readonly allowKeyExport?: boolean;
  /** Seed for the device's own randomness (chatter, GetRandom). */
  readonly seed?: number;
}

const RECORD_MAX = 2000;

/**
 * One command of a binary firmware's command table, in place of a case of
 * its command switch: the name the host record shows, the shortest input the
 * handler reads, and the handler.
 */
export interface HostCommandSpec {
  readonly name: string;
  readonly min?: number;
  readonly run: (input: Uint8Array) => void;
}

export type CommandTable<C extends HostCommandSpec = HostCommandSpec> = Readonly<Record<number, C>>;

/** What every simulated firmware keeps: its options, host clock, RTC, host record, randomness. */
export abstract class FirmwareBase {
  protected readonly o: FirmwareOptions;
  protected readonly clock: () => number;
  protected readonly rtc: DeviceClock;
  protected readonly rec: Recorder;
  protected readonly rng: Rng;
  protected readonly bootMs: number;

  constructor(o: FirmwareOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
    this.rtc = new DeviceClock(this.clock, o.bootEpochSec);
    this.rec = new Recorder(this.clock);
    this.rng = new Rng(o.seed ?? 1);
    this.bootMs = this.clock();
  }

  record(): HostRecord {
    return this.rec.snapshot();
  }

  /**
   * Record a host command under its name in `table` (`unnamed` for a code the
   * table lacks) and run it. A code the table lacks, or input shorter than the
   * command reads, goes to `refuse` (with the command when there is one), for
   * the firmware to answer in its own error codes.
   */
  protected dispatch<C extends HostCommandSpec>(
    table: CommandTable<C>,
    code: number,
    frame: Uint8Array,
    input: Uint8Array,
    unnamed: string,
    refuse: (cmd: C | undefined) => void,
  ): void {
    const cmd = table[code];
    this.rec.command(cmd?.name ?? unnamed, toHex(frame));
    if (cmd !== undefined && input.length >= (cmd.min ?? 0)) cmd.run(input);
    else refuse(cmd);
  }
}

/** Bounded host record shared by the devices. */
export class Recorder {
  private readonly commands: HostCommand[] = [];
  private readonly transmits: { at: number; raw: Uint8Array }[] = [];
  private readonly times: number[] = [];

  constructor(private readonly clock: () => number) {}

  command(name: string, data: string): void {
    this.commands.push({ at: this.clock(), name, data });
    if (this.commands.length > RECORD_MAX) this.commands.shift();
  }

  transmit(raw: Uint8Array): void {
    this.transmits.push({ at: this.clock(), raw: new Uint8Array(raw) });
    if (this.transmits.length > RECORD_MAX) this.transmits.shift();
  }

  timeSet(sec: number): void {
    this.times.push(sec);
    if (this.times.length > RECORD_MAX) this.times.shift();
  }

  snapshot(): HostRecord {
    return {
      commands: [...this.commands],
      transmits: [...this.transmits],
      timeSet: [...this.times],
    };
  }
}

/** A device RTC: starts stale, can be set forward, ticks with the host clock. */
export class DeviceClock {
  private offsetSec: number;

  constructor(
    private readonly clock: () => number,
    bootEpochSec = 1_704_067_200, // 2024-01-01, what an RTC-less board shows after boot
  ) {
    this.offsetSec = bootEpochSec - Math.floor(clock() / 1000);
  }

  now(): number {
    return Math.floor(this.clock() / 1000) + this.offsetSec;
  }

  set(sec: number): void {
    this.offsetSec = sec - Math.floor(this.clock() / 1000);
  }
}

export function int8(v: number): number {
  return Math.max(-128, Math.min(127, Math.round(v))) & 0xff;
}

/**
 * The packet counters a MeshCore node keeps (src/Dispatcher.h): what the
 * companion's GET_STATS and a repeater's `stats-packets` / `stats-radio` report.
 */
export class PacketCounters {
  recv = 0;
  sent = 0;
  floodTx = 0;
  directTx = 0;
  floodRx = 0;
  directRx = 0;
  lastSnr = 0;
  lastRssi = 0;

  /** A packet heard: counted, and its signal kept as the last one. */
  received(rx: RxPacket): void {
    this.recv++;
    this.lastSnr = rx.snr ?? 0;
    this.lastRssi = rx.rssi ?? 0;
  }

  /** A heard packet the firmware parsed, by its route. */
  routed(direct: boolean): void {
    if (direct) this.directRx++;
    else this.floodRx++;
  }

  transmitted(direct: boolean): void {
    this.sent++;
    if (direct) this.directTx++;
    else this.floodTx++;
  }
}
