/**
 * The radio tests' rig: a scripted peer's pipe on the far end of a real pty,
 * and a RadioManager that collects what it puts on the bus, both stopped by
 * the test's cleanups (support/cleanups.ts).
 */
import { Bus } from "../../../daemon/core/bus.ts";
import { silentLogger } from "../../../daemon/core/log.ts";
import type { RadioStatus, RxPacket } from "../../../daemon/core/types.ts";
import type { RadioConfig } from "../../../daemon/radio/index.ts";
import { RadioManager, type RadioManagerDeps } from "../../../daemon/radio/manager.ts";
import type { Cleanups } from "../cleanups.ts";
import { tempDir } from "../paths.ts";
import { openPeerSerial, type PeerPipe, type PtyPair, ptyPair } from "../pty.ts";
import { until } from "../wait.ts";

/** A pty pair and the pipe a scripted firmware uses on its far end. */
export async function peerOverPty(cleanups: Cleanups): Promise<{ pair: PtyPair; pipe: PeerPipe }> {
  const pair = await ptyPair(tempDir());
  cleanups.push(() => pair.kill());
  const pipe = await openPeerSerial(pair.peer);
  cleanups.push(() => pipe.close());
  return { pair, pipe };
}

/** A manager (silent log, clock synced, stopped by the cleanups) with what it emits collected. */
export function radioManager(
  cleanups: Cleanups,
  deps: Omit<RadioManagerDeps, "bus" | "log"> & Partial<RadioManagerDeps>,
): { mgr: RadioManager; bus: Bus; rx: RxPacket[]; states: RadioStatus[] } {
  const bus = deps.bus ?? new Bus();
  const rx: RxPacket[] = [];
  const states: RadioStatus[] = [];
  bus.on("rx", (p) => rx.push(p));
  bus.on("radio", (s) => states.push(s));
  const mgr = new RadioManager({ log: silentLogger(), clockSynced: () => true, ...deps, bus });
  cleanups.push(() => mgr.stop());
  return { mgr, bus, rx, states };
}

/**
 * One `driver` radio (id "g", the tests' usual LoRa params) on a pty, a
 * scripted `Peer` on the far end, started and up.
 */
export async function radioOverPty<P>(
  cleanups: Cleanups,
  driver: RadioConfig["driver"],
  Peer: new (pipe: PeerPipe) => P,
) {
  const { pair, pipe } = await peerOverPty(cleanups);
  const peer = new Peer(pipe);
  const { mgr, rx } = radioManager(cleanups, {
    radios: [
      {
        id: "g",
        driver,
        serial: { path: pair.device },
        commandTimeoutMs: 1000,
        params: { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8 },
      },
    ],
  });
  await startUp(mgr, "up");
  return { peer, pipe, rx, mgr };
}

/** Starts the manager and waits until its first radio is up. */
export async function startUp(mgr: RadioManager, what = "radio up", ms = 10_000): Promise<void> {
  await mgr.start();
  await until(() => mgr.list()[0]?.state === "up", ms, what);
}
