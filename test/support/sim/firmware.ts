/**
 * The firmware tests' rig: a simulated mesh, one firmware served on the device
 * end of a real pty pair, and the host reading the other end. Registers its
 * own beforeAll/afterAll; the fields are set once beforeAll has run.
 */
import { afterAll, beforeAll } from "vitest";
import type { FirmwareKind } from "../../../daemon/sim/firmware/device.ts";
import {
  createDevice,
  FirmwareServer,
  type FirmwareServerOptions,
} from "../../../daemon/sim/firmware/serve.ts";
import { MeshSimulator, type MeshSimulatorOptions } from "../../../daemon/sim/simulator.ts";
import { simMesh } from "./mesh.ts";
import { HostPort, type PtyPair, ptyPair } from "./pty.ts";

export interface FirmwareRig {
  readonly pair: PtyPair;
  readonly sim: MeshSimulator;
  readonly server: FirmwareServer;
  readonly host: HostPort;
}

export function firmwareOverPty(
  firmware: FirmwareKind,
  simOptions: MeshSimulatorOptions,
  more: Partial<FirmwareServerOptions> = {},
): FirmwareRig {
  const rig: Partial<{ -readonly [K in keyof FirmwareRig]: FirmwareRig[K] }> = {};
  beforeAll(async () => {
    rig.pair = await ptyPair();
    rig.sim = new MeshSimulator(simOptions);
    rig.server = new FirmwareServer({ firmware, sim: rig.sim, pty: rig.pair.device, ...more });
    await rig.server.start();
    rig.host = await HostPort.open(rig.pair.host);
  });
  afterAll(async () => {
    await rig.host?.close();
    await rig.server?.stop();
    await rig.pair?.close();
  });
  return rig as FirmwareRig;
}

/** One firmware in memory, no port: what it writes to the host lands in `out`. */
export function deviceInMemory(firmware: FirmwareKind, seed: number) {
  const sim = new MeshSimulator(simMesh({ seed }));
  const out: Uint8Array[] = [];
  const dev = createDevice(firmware, { sim, out: (b) => out.push(b) });
  return { sim, dev, out };
}
