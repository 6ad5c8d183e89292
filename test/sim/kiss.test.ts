import { describe, expect, it } from "vitest";
import { sha256, verify } from "../../daemon/protocol/crypto.ts";
import { encodePacket } from "../../daemon/protocol/encode.ts";
import { le32 } from "../support/bytes.ts";
import { slip } from "../support/radio/kiss-peer.ts";
import { deviceInMemory, firmwareOverPty } from "../support/sim/firmware.ts";
import { hex, parse } from "../support/sim/packets.ts";
import { kissFrames, waitFor } from "../support/sim/pty.ts";

/** C0 type data C0 with KISS escapes (the scripted modem's codec, not the driver's). */
const kiss = (type: number, ...data: number[]): Uint8Array => slip(type, data);

describe("KISS modem firmware over a real pty", () => {
  const fw = firmwareOverPty("kiss", {
    seed: 9,
    nodes: 25,
    centre: { lat: -33.87, lon: 151.21 },
    radiusKm: 8,
    packetsPerSec: 40,
    channels: [],
  });

  /** Send a SetHardware request; wait for the reply carrying `code`. */
  async function hw(code: number, ...data: number[]): Promise<Uint8Array> {
    fw.host.clear();
    fw.host.write(kiss(0x06, ...data));
    const f = await waitFor(
      () =>
        kissFrames(fw.host.bytes).find((x) => x[0] === 0x06 && (x[1] === code || x[1] === 0xf1)),
      `reply 0x${code.toString(16)}`,
    );
    return f.subarray(1);
  }

  it("answers GetIdentity with the gateway's public key", async () => {
    const r = await hw(0x81, 0x01);
    expect(r[0]).toBe(0x81);
    expect(hex(r.subarray(1))).toBe(fw.sim.gateway.publicKey);
  });

  it("returns zeros from GetRadio until SetRadio, then the set values", async () => {
    expect([...(await hw(0x8b, 0x0b))]).toEqual([0x8b, ...new Array(10).fill(0)]);
    const params = [...le32(869_618_000), ...le32(62_500), 8, 8];
    expect([...(await hw(0xf0, 0x09, ...params))]).toEqual([0xf0]);
    expect([...(await hw(0x8b, 0x0b))]).toEqual([0x8b, ...params]);
    expect([...(await hw(0xf0, 0x09, ...le32(5), ...le32(62_500), 8, 8))]).toEqual([0xf1, 0x02]);
    expect([...(await hw(0xf0, 0x09, 1, 2))]).toEqual([0xf1, 0x01]);
  });

  it("answers NoiseFloor, Airtime, Stats, Version and Ping", async () => {
    const nf = await hw(0x90, 0x10);
    const floor = new DataView(nf.buffer, nf.byteOffset).getInt16(1, true);
    expect(floor).toBeLessThan(-100);
    const air = await hw(0x8f, 0x0f, 100);
    // 100 bytes at SF8 / 62.5 kHz / CR 4/8 is about 1.03 s on air.
    expect(new DataView(air.buffer, air.byteOffset).getUint32(1, true)).toBeGreaterThan(950);
    expect(new DataView(air.buffer, air.byteOffset).getUint32(1, true)).toBeLessThan(1100);
    expect((await hw(0x92, 0x12)).length).toBe(13);
    expect([...(await hw(0x91, 0x11))]).toEqual([0x91, 1, 0]);
    expect([...(await hw(0x97, 0x17))]).toEqual([0x97]);
    expect([...(await hw(0x97, 0x7e))]).toEqual([0xf1, 0x05]);
  });

  it("signs with the modem identity", async () => {
    const msg = [0xc0, 0xdb, 1, 2, 3]; // bytes that need escaping
    const r = await hw(0x84, 0x04, ...msg);
    expect(r[0]).toBe(0x84);
    expect(verify(fw.sim.identity.publicKey, Uint8Array.from(msg), r.subarray(1))).toBe(true);
    const h = await hw(0x88, 0x08, ...msg);
    expect(hex(h.subarray(1))).toBe(hex(sha256(Uint8Array.from(msg))));
  });

  it("streams received packets as data frames followed by RxMeta", async () => {
    fw.host.clear();
    const frames = await waitFor(() => {
      const f = kissFrames(fw.host.bytes);
      return f.filter((x) => x[0] === 0).length >= 5 ? f : null;
    }, "5 data frames");
    for (let i = 0; i < frames.length - 1; i++) {
      const f = frames[i] as Uint8Array;
      if (f[0] !== 0x00) continue;
      expect(() => parse(f.subarray(1))).not.toThrow();
      const meta = frames[i + 1] as Uint8Array;
      expect([meta[0], meta[1], meta.length]).toEqual([0x06, 0xf9, 4]);
      expect(((meta[3] ?? 0) << 24) >> 24).toBeLessThan(0); // RSSI dBm
    }
  });

  it("transmits a data frame into the mesh and reports TxDone", async () => {
    const raw = encodePacket({
      route: 1,
      payloadType: 5,
      hashSize: 1,
      hops: [],
      payload: Uint8Array.of(0x11, 0xc0, 0xdb, ...new Array(16).fill(7)),
    });
    fw.host.clear();
    fw.host.write(kiss(0x00, ...raw));
    await waitFor(
      () => kissFrames(fw.host.bytes).some((f) => f[0] === 0x06 && f[1] === 0xf8 && f[2] === 1),
      "TxDone",
    );
    expect(hex(fw.server.record().transmits.at(-1)?.raw as Uint8Array)).toBe(hex(raw));
    expect(hex(fw.sim.transmitted().at(-1)?.raw as Uint8Array)).toBe(hex(raw));
  });

  it("drops frames for other ports", async () => {
    const before = fw.server.record().commands.length;
    fw.host.write(kiss(0x16, 0x01)); // port 1, GetIdentity
    const r = await hw(0x97, 0x17);
    expect(r[0]).toBe(0x97);
    expect(
      fw.server
        .record()
        .commands.slice(before)
        .map((c) => c.name),
    ).toEqual(["Ping"]);
  });
});

describe("KISS modem framing", () => {
  it("ignores bytes before the first FEND and unescapes data", () => {
    const { dev, out } = deviceInMemory("kiss", 1);
    dev.input(Uint8Array.of(0x01, 0x02, 0x03, 0xdb, 0xdc)); // noise before any FEND
    dev.input(kiss(0x06, 0x17));
    expect(dev.record().commands.map((c) => c.name)).toEqual(["Ping"]);
    expect(out.map((b) => hex(b))).toEqual(["C00697C0"]);
    dev.input(kiss(0x06, 0x04, 0xc0, 0xdb));
    expect(dev.record().commands.at(-1)?.data).toBe("04c0db");
    dev.close();
  });
});

describe("KISS SetHardware refusals", () => {
  it("tells a short argument, a command without a callback and an unknown one apart", () => {
    const { dev, out } = deviceInMemory("kiss", 2);
    dev.input(kiss(0x06, 0x0a)); // SetTxPower without the power: invalid length
    dev.input(kiss(0x06, 0x03, 1, 2, 3)); // Verify needs key + signature: invalid length
    dev.input(kiss(0x06, 0x14)); // known to the modem, no callback on this board
    dev.input(kiss(0x06, 0x7e)); // unknown
    const replies = out.flatMap((b) => kissFrames(b)).map((f) => [...f]);
    expect(replies).toEqual([
      [0x06, 0xf1, 0x01],
      [0x06, 0xf1, 0x01],
      [0x06, 0xf1, 0x03],
      [0x06, 0xf1, 0x05],
    ]);
    expect(dev.record().commands.map((c) => c.name)).toEqual([
      "SetTxPower",
      "Verify",
      "Sub_14",
      "Sub_7e",
    ]);
    dev.close();
  });
});
