/** The store benches' simulator traffic. Not a bench itself (run.ts skips `_` files). */
import { makeDecoder } from "../daemon/app/decoder.ts";
import { channelKeysFromConfig } from "../daemon/protocol/channels.ts";
import { MeshSimulator } from "../daemon/sim/simulator.ts";
import type { ObservationInput } from "../daemon/store/api.ts";
import { simMesh } from "../test/support/sim/mesh.ts";

/**
 * Simulator traffic (signed adverts, encrypted channel text, relays heard
 * again) decoded by the daemon's decoder: each call gives k observations at
 * time `at`; `onRaw` is told each packet's raw size.
 */
export function simulatorTraffic(
  onRaw: (bytes: number) => void = () => {},
): (k: number, at: number) => ObservationInput[] {
  const sim = new MeshSimulator(
    simMesh({ seed: 7, packetsPerSec: 2, clock: () => 1_760_000_000_000 }),
  );
  const channels = channelKeysFromConfig([{ name: "#test" }], true);
  const decode = makeDecoder(() => ({ channels, verifySignatures: true }));
  return (k, at) =>
    sim.burst(k).map((rx) => {
      onRaw(rx.raw.length);
      return {
        ...decode(rx.raw),
        raw: rx.raw,
        radioId: rx.radioId,
        at,
        snr: rx.snr,
        rssi: rx.rssi,
      };
    });
}
