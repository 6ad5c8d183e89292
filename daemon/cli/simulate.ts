/**
 * `meshgate simulate`: play a radio firmware (companion, KISS modem or a
 * logging repeater) over a pty or TCP, fed by the simulated mesh, so the
 * daemon's radio drivers can be run end to end without hardware.
 */

import { DRIVER_KINDS } from "../core/types.ts";
import type { FirmwareKind } from "../sim/firmware/device.ts";
import { FirmwareServer } from "../sim/firmware/serve.ts";
import { MeshSimulator } from "../sim/simulator.ts";
import { type CliIO, parseArgs, UsageError } from "./args.ts";

export interface SimulateIO extends CliIO {
  /** Stops the simulation (tests); otherwise SIGINT / SIGTERM do. */
  readonly signal?: AbortSignal;
}

const VALUE_FLAGS = new Set([
  "firmware",
  "pty",
  "tcp",
  "host",
  "seed",
  "rate",
  "nodes",
  "lat",
  "lon",
  "radius",
]);
const FIRMWARES: readonly FirmwareKind[] = DRIVER_KINDS;

export const SIMULATE_HELP = `Usage: meshgate simulate --firmware ${FIRMWARES.join("|")} (--pty PATH | --tcp PORT)
  [--seed N] [--rate PACKETS_PER_SEC] [--nodes N] [--lat DEG --lon DEG] [--radius KM]
  [--host ADDR] [--allow-key-export]

Plays a MeshCore radio firmware on one end of a pty pair, e.g.
  socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB
  meshgate simulate --firmware companion --pty /tmp/ttyA
and point meshgate's radio at /tmp/ttyB; or on a TCP port (loopback by default).
`;

function num(
  flags: Map<string, string | true>,
  name: string,
  dflt: number,
  min: number,
  max: number,
): number {
  const v = flags.get(name);
  if (v === undefined) return dflt;
  const n = typeof v === "string" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number in ${min}..${max}`);
  }
  return n;
}

export async function runSimulate(argv: readonly string[], io: SimulateIO): Promise<number> {
  const { flags } = parseArgs(argv, VALUE_FLAGS);
  if (flags.has("help")) {
    io.stdout.write(SIMULATE_HELP);
    return 0;
  }
  const firmware = flags.get("firmware");
  if (typeof firmware !== "string" || !FIRMWARES.includes(firmware as FirmwareKind)) {
    throw new UsageError(`--firmware must be one of ${FIRMWARES.join(", ")}`);
  }
  const pty = flags.get("pty");
  const hasTcp = flags.has("tcp");
  if ((typeof pty === "string") === hasTcp)
    throw new UsageError("give exactly one of --pty PATH or --tcp PORT");
  const seed = Math.floor(num(flags, "seed", 1, 0, 2 ** 32 - 1));
  const sim = new MeshSimulator({
    seed,
    nodes: Math.floor(num(flags, "nodes", 40, 2, 2000)),
    centre: {
      lat: num(flags, "lat", 37.7749, -90, 90),
      lon: num(flags, "lon", -122.4194, -180, 180),
    },
    radiusKm: num(flags, "radius", 15, 0.1, 500),
    packetsPerSec: num(flags, "rate", 1.5, 0.01, 1000),
    channels: [{ name: "#test" }],
    radioId: "sim",
  });
  const host = flags.get("host");
  const server = new FirmwareServer({
    firmware: firmware as FirmwareKind,
    sim,
    ...(typeof pty === "string"
      ? { pty }
      : { tcpPort: Math.floor(num(flags, "tcp", 5000, 0, 65535)) }),
    ...(typeof host === "string" ? { tcpHost: host } : {}),
    allowKeyExport: flags.has("allow-key-export"),
    seed,
  });
  await server.start();
  const where =
    typeof pty === "string"
      ? pty
      : `tcp ${typeof host === "string" ? host : "127.0.0.1"}:${server.tcpPort()}`;
  io.stdout.write(
    `meshgate simulate: ${firmware} firmware on ${where}; gateway "${sim.gateway.name}" ${sim.gateway.publicKey}; ` +
      `${sim.truth().nodes.length} nodes, seed ${seed}. Ctrl-C stops.\n`,
  );
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      io.signal?.removeEventListener("abort", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    if (io.signal?.aborted) done();
    else io.signal?.addEventListener("abort", done);
  });
  await server.stop();
  const rec = server.record();
  io.stdout.write(
    `meshgate simulate: stopped; host sent ${rec.commands.length} commands, ${rec.transmits.length} packets\n`,
  );
  return 0;
}
