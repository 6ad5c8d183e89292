import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RadioStatus, RxPacket } from "../../daemon/core/types.ts";
import { decryptChannel, hashtagKey, verify } from "../../daemon/protocol/crypto.ts";
import { SimulatedRadio } from "../../daemon/sim/link.ts";
import { SIM_T0 } from "../support/sim/mesh.ts";
import { hex, parse, parseAdvert } from "../support/sim/packets.ts";

const CONFIG = {
  seed: 5,
  nodes: 20,
  centre: { lat: 48.85, lon: 2.35 },
  radiusKm: 8,
  packetsPerSec: 100,
};

describe("SimulatedRadio", () => {
  it("puts heard packets on the bus and reports its status", async () => {
    const bus = new Bus();
    const statuses: RadioStatus[] = [];
    const rx: RxPacket[] = [];
    bus.on("radio", (s) => statuses.push(s));
    const radio = new SimulatedRadio({ bus, log: silentLogger(), config: CONFIG, channels: [] });
    await new Promise<void>((resolve) => {
      bus.on("rx", (r) => {
        rx.push(r);
        if (rx.length === 10) resolve();
      });
      void radio.start();
    });
    await radio.stop();
    expect(rx.every((r) => r.radioId === "sim")).toBe(true);
    expect(statuses[0]?.state).toBe("up");
    expect(statuses[0]?.driver).toBe("simulator");
    expect(statuses[0]?.publicKey).toBe(radio.sim.gateway.publicKey);
    expect(statuses.at(-1)?.state).toBe("stopped");
    expect(radio.status().counters.rx).toBeGreaterThanOrEqual(10);
  });

  it("transmits a signed advert and channel text into the mesh", async () => {
    const radio = new SimulatedRadio({
      bus: new Bus(),
      log: silentLogger(),
      config: CONFIG,
      channels: [{ name: "#test" }],
      clock: () => SIM_T0,
    });
    await radio.sendAdvert(true);
    await radio.sendChannelMessage(
      { name: "#test", key: hashtagKey("#test") },
      "hello from the gateway",
    );
    const [advert, msg] = radio.sim.transmitted();
    const a = parse(advert?.raw as Uint8Array);
    expect(a.route).toBe(1);
    const ad = parseAdvert(a.payload);
    expect(hex(ad.publicKey)).toBe(radio.sim.gateway.publicKey);
    expect(ad.name).toBe(radio.sim.gateway.name);
    const signed = new Uint8Array([...ad.publicKey, ...a.payload.subarray(32, 36), ...ad.appData]);
    expect(verify(ad.publicKey, signed, ad.signature)).toBe(true);
    const m = parse(msg?.raw as Uint8Array);
    const plain = decryptChannel(hashtagKey("#test"), m.payload.subarray(1)) as Uint8Array;
    expect(new TextDecoder().decode(plain.subarray(5)).replace(/\0+$/, "")).toBe(
      `${radio.sim.gateway.name}: hello from the gateway`,
    );
    const sig = await radio.signer()(Uint8Array.of(1, 2, 3));
    expect(verify(radio.sim.identity.publicKey, Uint8Array.of(1, 2, 3), sig)).toBe(true);
  });
});
