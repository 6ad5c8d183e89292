/**
 * Simulated traffic read back by two decoders written independently of the
 * simulator: meshgate's own codec and @michaelhart/meshcore-decoder.
 */
import { MeshCorePacketDecoder } from "@michaelhart/meshcore-decoder";
import { describe, expect, it } from "vitest";
import { toHex } from "../../daemon/core/bytes.ts";
import { hashtagChannel, publicChannel } from "../../daemon/protocol/channels.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { MeshSimulator } from "../../daemon/sim/simulator.ts";
import { SIM_T0, simMesh } from "../support/sim/mesh.ts";

const sim = new MeshSimulator(simMesh({ seed: 99, clock: () => SIM_T0 }));
const rx = sim.burst(1500);
const channels = [publicChannel(), hashtagChannel("#test"), hashtagChannel("#wardriving")];

describe("simulated packets through independent decoders", () => {
  it("all decode with meshgate's codec: signatures valid, channel text decrypted", () => {
    const kinds = new Map<string, number>();
    for (const r of rx) {
      const d = decodePacket(r.raw, { channels });
      if (!d.ok) throw new Error(`${d.error.code} ${d.error.message} in ${toHex(r.raw)}`);
      const body = d.packet.body;
      kinds.set(body.kind, (kinds.get(body.kind) ?? 0) + 1);
      if (body.kind === "ADVERT") expect(body.signatureValid).toBe(true);
      if (body.kind === "GRP_TXT") expect(body.decrypted?.sender).toBeTruthy();
    }
    expect(kinds.size).toBeGreaterThanOrEqual(9);
  });

  it("all parse with meshcore-decoder, adverts verified and channel text decrypted", async () => {
    const keyStore = MeshCorePacketDecoder.createKeyStore({
      channelSecrets: channels.map((c) => toHex(c.key)),
    });
    let adverts = 0;
    let texts = 0;
    // Its wasm signature check is slow: a slice is enough here.
    for (const r of rx.slice(0, 700)) {
      const d = await MeshCorePacketDecoder.decodeWithVerification(toHex(r.raw), { keyStore });
      expect(d.isValid).toBe(true);
      const decoded = d.payload.decoded as unknown as Record<string, unknown> | null;
      if (d.payloadType === 4) {
        adverts++;
        expect(decoded?.signatureValid).toBe(true);
      }
      if (d.payloadType === 5) {
        texts++;
        expect(decoded?.decrypted).toBeTruthy();
      }
    }
    expect(adverts).toBeGreaterThan(50);
    expect(texts).toBeGreaterThan(50);
  });
});
