import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { decryptChannel, expandSeed, hashtagKey, verify } from "../../daemon/protocol/crypto.ts";
import { FirmwareServer } from "../../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../../daemon/sim/simulator.ts";
import { le32 } from "../support/bytes.ts";
import { deviceInMemory, firmwareOverPty } from "../support/sim/firmware.ts";
import { simMesh } from "../support/sim/mesh.ts";
import { hex, parse, parseAdvert } from "../support/sim/packets.ts";
import { companionFrames, waitFor } from "../support/sim/pty.ts";

const BOOT = 1_704_067_200; // the simulated RTC starts at 2024-01-01

function frame(...bytes: number[]): Uint8Array {
  return Uint8Array.of(0x3c, bytes.length & 0xff, bytes.length >> 8, ...bytes);
}

describe("companion firmware over a real pty", () => {
  const fw = firmwareOverPty(
    "companion",
    {
      seed: 21,
      nodes: 25,
      centre: { lat: 52.37, lon: 4.9 },
      radiusKm: 8,
      packetsPerSec: 40,
      channels: [{ name: "#test" }],
    },
    { bootEpochSec: BOOT },
  );

  /** Send one command and wait for the first non-push reply frame. */
  async function ask(cmd: Uint8Array): Promise<Uint8Array> {
    fw.host.clear();
    fw.host.write(cmd);
    return waitFor(() => companionFrames(fw.host.bytes).find((f) => (f[0] ?? 0) < 0x80), "a reply");
  }

  it("answers DEVICE_QUERY with DEVICE_INFO", async () => {
    const info = await ask(frame(0x16, 0x03)); // DEVICE_QUERY, app protocol v3
    expect(info[0]).toBe(13);
    expect(info[1]).toBe(13); // firmware version code
    expect(info.length).toBe(82);
    expect(Buffer.from(info.subarray(60, 80)).toString().replace(/\0.*$/s, "")).toBe("v1.17.1");
  });

  it("answers APP_START with SELF_INFO at the documented offsets", async () => {
    const self = await ask(frame(0x01, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from("test")));
    expect(self[0]).toBe(5);
    expect(hex(self.subarray(4, 36))).toBe(fw.sim.gateway.publicKey);
    const dv = new DataView(self.buffer, self.byteOffset);
    expect(dv.getInt32(36, true) / 1e6).toBeCloseTo(fw.sim.gateway.lat, 6);
    expect(dv.getInt32(40, true) / 1e6).toBeCloseTo(fw.sim.gateway.lon, 6);
    expect(dv.getUint32(48, true)).toBe(910_525); // kHz
    expect(dv.getUint32(52, true)).toBe(62_500); // Hz
    expect([self[56], self[57]]).toEqual([7, 5]);
    expect(Buffer.from(self.subarray(58)).toString()).toBe(fw.sim.gateway.name);
  });

  it("refuses a clock earlier than its own with ERR 6, accepts a later one", async () => {
    expect([...(await ask(frame(0x06, ...le32(BOOT - 86400))))]).toEqual([1, 6]);
    const now = Math.floor(Date.now() / 1000);
    expect([...(await ask(frame(0x06, ...le32(now))))]).toEqual([0]);
    const t = await ask(frame(0x05));
    expect(t[0]).toBe(9);
    const dev = new DataView(t.buffer, t.byteOffset).getUint32(1, true);
    expect(Math.abs(dev - now)).toBeLessThan(5);
    expect(fw.server.record().timeSet).toContain(now);
  });

  it("pushes LOG_RX_DATA for what the mesh hears", async () => {
    fw.host.clear();
    const pushes = await waitFor(() => {
      const p = companionFrames(fw.host.bytes).filter((f) => f[0] === 0x88);
      return p.length >= 5 ? p : null;
    }, "5 LOG_RX_DATA pushes");
    for (const p of pushes) {
      const snr = ((p[1] ?? 0) << 24) >> 24;
      const rssi = ((p[2] ?? 0) << 24) >> 24;
      expect(snr / 4).toBeGreaterThan(-20);
      expect(rssi).toBeLessThan(0);
      expect(p.length).toBeLessThanOrEqual(176);
      expect(() => parse(p.subarray(3))).not.toThrow();
    }
  });

  it("transmits a signed self advert on SEND_SELF_ADVERT", async () => {
    expect([...(await ask(frame(0x07, 0x01)))]).toEqual([0]);
    const tx = fw.sim.transmitted().at(-1);
    const p = parse(tx?.raw as Uint8Array);
    expect(p.type).toBe(4);
    expect(p.route).toBe(1);
    const a = parseAdvert(p.payload);
    expect(hex(a.publicKey)).toBe(fw.sim.gateway.publicKey);
    const signed = new Uint8Array([...a.publicKey, ...p.payload.subarray(32, 36), ...a.appData]);
    expect(verify(a.publicKey, signed, a.signature)).toBe(true);
  });

  it("sends channel text on SEND_CHANNEL_TXT_MSG and rejects a bad slot", async () => {
    const text = Buffer.from("hi from the host");
    expect([...(await ask(frame(0x03, 0x00, 0x01, ...le32(1_760_000_000), ...text)))]).toEqual([0]);
    const p = parse(fw.sim.transmitted().at(-1)?.raw as Uint8Array);
    expect(p.type).toBe(5);
    const plain = decryptChannel(hashtagKey("#test"), p.payload.subarray(1)) as Uint8Array;
    expect(Buffer.from(plain.subarray(5)).toString().replace(/\0+$/, "")).toBe(
      `${fw.sim.gateway.name}: hi from the host`,
    );
    expect([...(await ask(frame(0x03, 0x00, 0x09, ...le32(1), 0x41)))]).toEqual([1, 2]);
    expect(fw.server.record().transmits.map((t) => hex(t.raw))).toContain(
      hex(fw.sim.transmitted().at(-1)?.raw as Uint8Array),
    );
  });

  it("answers GET_STATS for core, radio and packets", async () => {
    const core = await ask(frame(0x38, 0));
    expect([core[0], core[1], core.length]).toEqual([24, 0, 11]);
    const radio = await ask(frame(0x38, 1));
    expect([radio[0], radio[1], radio.length]).toEqual([24, 1, 14]);
    const pk = await ask(frame(0x38, 2));
    expect([pk[0], pk[1], pk.length]).toEqual([24, 2, 30]);
    expect(new DataView(pk.buffer, pk.byteOffset).getUint32(2, true)).toBeGreaterThan(0);
    expect([...(await ask(frame(0x38, 7)))]).toEqual([1, 6]);
  });

  it("accepts SET_RADIO_PARAMS, refuses nonsense, and reports DISABLED for key export", async () => {
    expect([...(await ask(frame(0x0b, ...le32(869_525), ...le32(250_000), 11, 5)))]).toEqual([0]);
    const self = await ask(frame(0x01, 0, 0, 0, 0, 0, 0, 0));
    expect(new DataView(self.buffer, self.byteOffset).getUint32(48, true)).toBe(869_525);
    expect([...(await ask(frame(0x0b, ...le32(1), ...le32(250_000), 11, 5)))]).toEqual([1, 6]);
    expect([...(await ask(frame(0x17)))]).toEqual([15]);
  });

  it("answers ERR 1 to an unknown command and survives garbage", async () => {
    fw.host.write(Uint8Array.of(0x00, 0xff, 0x3c, 0xff, 0xff, 0x13));
    expect([...(await ask(frame(0x7f)))]).toEqual([1, 1]);
    expect((await ask(frame(0x16, 0x03)))[0]).toBe(13);
  });

  it("queues decrypted channel messages behind MSG_WAITING", async () => {
    fw.host.clear();
    fw.sim.injectChannelMessage({ channel: "#test", sender: "Ana", text: "queued?" });
    await waitFor(() => companionFrames(fw.host.bytes).some((f) => f[0] === 0x83), "MSG_WAITING");
    let msg: Uint8Array | undefined;
    for (let i = 0; i < 20 && !msg; i++) {
      const f = await ask(frame(0x0a));
      if (f[0] === 10) break;
      if (f[0] === 0x11 && Buffer.from(f.subarray(11)).toString().includes("Ana: queued?")) msg = f;
    }
    expect(msg).toBeDefined();
    expect(msg?.[4]).toBe(1); // channel slot 1 = #test
  });
});

describe("companion firmware over TCP", () => {
  it("answers DEVICE_QUERY and exports the 64-byte expanded key when allowed", async () => {
    const sim = new MeshSimulator(simMesh({ seed: 2 }));
    const server = new FirmwareServer({
      firmware: "companion",
      sim,
      tcpPort: 0,
      allowKeyExport: true,
    });
    await server.start();
    const sock = connect(server.tcpPort() as number, "127.0.0.1");
    let got = new Uint8Array(0);
    sock.on("data", (c) => {
      got = new Uint8Array([...got, ...c]);
    });
    try {
      await new Promise((r) => sock.once("connect", r));
      sock.write(frame(0x16, 0x03));
      await waitFor(() => companionFrames(got).some((f) => f[0] === 13), "DEVICE_INFO");
      sock.write(frame(0x17));
      const key = await waitFor(() => companionFrames(got).find((f) => f[0] === 14), "PRIVATE_KEY");
      expect(hex(key.subarray(1))).toBe(hex(expandSeed(sim.identity.seed)));
      expect(server.record().commands.map((c) => c.name)).toEqual([
        "DEVICE_QUERY",
        "EXPORT_PRIVATE_KEY",
      ]);
    } finally {
      sock.destroy();
      await server.stop();
    }
  });
});

describe("companion LOG_RX_DATA size limit", () => {
  it("pushes packets up to 173 bytes and never longer ones (len + 3 must fit 176)", () => {
    const { dev, out } = deviceInMemory("companion", 2);
    const packet = (len: number) => {
      const raw = new Uint8Array(len);
      raw[0] = 0x3d; // FLOOD RAW_CUSTOM, no path
      return { radioId: "sim", raw, snr: -2.25, rssi: -101, at: 0 };
    };
    dev.heard(packet(173));
    dev.heard(packet(174));
    dev.heard(packet(255));
    const pushes = out.flatMap((b) => companionFrames(b)).filter((f) => f[0] === 0x88);
    expect(pushes.map((p) => p.length)).toEqual([176]);
    expect([pushes[0]?.[1], pushes[0]?.[2]]).toEqual([0xf7, 0x9b]); // -9 (SNR x4), -101 dBm
  });
});

describe("companion command refusals", () => {
  it("answers a short frame with that command's error and names unknown codes by number", () => {
    const { dev, out } = deviceInMemory("companion", 3);
    dev.input(frame(0x16)); // DEVICE_QUERY without the app version: ERR_UNSUPPORTED
    dev.input(frame(0x0c)); // SET_RADIO_TX_POWER without the power: ERR_ILLEGAL_ARG
    dev.input(frame(0x03, 0x00, 0x00)); // SEND_CHANNEL_TXT_MSG cut short: ERR_ILLEGAL_ARG
    dev.input(frame(0x38)); // GET_STATS without the type: ERR_UNSUPPORTED
    dev.input(frame(0x63)); // not a command: ERR_UNSUPPORTED
    const replies = out.flatMap((b) => companionFrames(b)).map((f) => [...f]);
    expect(replies).toEqual([
      [1, 1],
      [1, 6],
      [1, 6],
      [1, 1],
      [1, 1],
    ]);
    expect(dev.record().commands.map((c) => c.name)).toEqual([
      "DEVICE_QUERY",
      "SET_RADIO_TX_POWER",
      "SEND_CHANNEL_TXT_MSG",
      "GET_STATS",
      "CMD_99",
    ]);
  });
});

describe("companion advert name", () => {
  it("cuts a name too long for the advert, as firmware does, instead of throwing", () => {
    const { sim, dev, out } = deviceInMemory("companion", 4);
    const name = "Ünïcode repeater on the hill 1"; // 30 characters, 33 bytes
    dev.input(frame(0x08, ...Buffer.from(name))); // SET_ADVERT_NAME
    dev.input(frame(0x07, 0x01)); // SEND_SELF_ADVERT, flood
    const replies = out.flatMap((b) => companionFrames(b)).map((f) => [...f]);
    expect(replies).toEqual([[0], [0]]);
    const p = parse(sim.transmitted().at(-1)?.raw as Uint8Array);
    const a = parseAdvert(p.payload);
    // flags 1 + lat/lon 8 leave 23 bytes: "Ü" and "ï" take two each.
    expect(a.appData.length).toBe(32);
    expect(Buffer.from(a.appData.subarray(9)).toString()).toBe("Ünïcode repeater on t");
    const signed = new Uint8Array([...a.publicKey, ...p.payload.subarray(32, 36), ...a.appData]);
    expect(verify(a.publicKey, signed, a.signature)).toBe(true);
  });
});
