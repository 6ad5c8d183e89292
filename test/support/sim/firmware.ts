/**
 * The firmware tests' rig: a simulated mesh, one firmware served on the device
 * end of a real pty pair, and the host reading the other end. Registers its
 * own beforeAll/afterAll; the fields are set once beforeAll has run.
 */
import { afterAll, beforeAll } from "vitest";
import type { FirmwareKind } from "../../../daemon/sim/firmware/device.ts";
import { FirmwareServer, type FirmwareServerOptions } from "../../../daemon/sim/firmware/serve.ts";
import { MeshSimulator, type MeshSimulatorOptions } from "../../../daemon/sim/simulator.ts";
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
