/**
 * The companion driver through a real pty (socat) against a scripted
 * firmware: handshake, clock, packets with SNR/RSSI, message drain, transmit.
 */
import { describe, expect, it } from "vitest";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { CompanionPeer, PEER_PUBKEY } from "../support/radio/companion-peer.ts";
import { peerOverPty, radioManager, startUp } from "../support/radio/rig.ts";
import { until } from "../support/wait.ts";

const cleanups = cleanupsAfterEach();

async function setup(
  opts: {
    allowKeyExport?: boolean;
    clock?: number;
    noDeviceQuery?: boolean;
    pollIntervalMs?: number;
  } = {},
) {
  const { pair, pipe } = await peerOverPty(cleanups);
  const peer = new CompanionPeer(pipe, {
    clock: opts.clock,
    noDeviceQuery: opts.noDeviceQuery,
    channels: [{ idx: 2, name: "#test", secret: new Uint8Array(16).fill(9) }],
  });
  const { mgr, bus, rx, states } = radioManager(cleanups, {
    radios: [
      {
        id: "c1",
        driver: "companion",
        serial: { path: pair.device, baud: 115200 },
        commandTimeoutMs: 1000,
        allowKeyExport: opts.allowKeyExport ?? false,
      },
    ],
    pollIntervalMs: opts.pollIntervalMs,
  });
  await startUp(mgr, "radio up");
  return { pair, peer, bus, rx, states, mgr };
}

describe("companion driver over a pty", () => {
  it("handshakes, reads identity and stats, and sets a clock that is behind", async () => {
    const { peer, mgr, states } = await setup({ clock: 1_700_000_000 });
    const codes = peer.commandCodes();
    // DEVICE_QUERY with app protocol 3, then APP_START, then the clock.
    expect(peer.commands[0]).toEqual(Uint8Array.of(22, 3));
    expect(codes.slice(0, 4)).toEqual([22, 1, 5, 6]);
    const setTime = peer.commands[3]!;
    const sent = new DataView(setTime.buffer, setTime.byteOffset).getUint32(1, true);
    expect(Math.abs(sent - Date.now() / 1000)).toBeLessThan(30);
    const st = mgr.list()[0]!;
    expect(st.publicKey).toBe(Buffer.from(PEER_PUBKEY).toString("hex").toUpperCase());
    expect(st.name).toBe("PeerNode");
    expect(st).toMatchObject({ lat: 47.543968, lon: -122.108616 });
    expect(st.model).toBe("Heltec V3");
    expect(st.firmware).toBe("v1.17.1");
    expect(st.params).toEqual({ freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8, txPowerDbm: 22 });
    expect(st.clockSkewSec).toBe(0);
    expect(st.stats).toEqual({
      batteryMv: 3600,
      uptimeSecs: 3600,
      queueLen: 2,
      noiseFloorDbm: -116,
      txAirSecs: 12,
      rxAirSecs: 345,
      recvErrors: 7,
    });
    expect(states.map((s) => s.state)).toEqual(["connecting", "handshaking", "up"]);
  });

  it("flags a radio clock that is ahead and never steps it back", async () => {
    const ahead = Math.floor(Date.now() / 1000) + 3600;
    const { peer, mgr } = await setup({ clock: ahead });
    expect(peer.commandCodes()).not.toContain(6);
    const skew = mgr.list()[0]!.clockSkewSec!;
    expect(skew).toBeGreaterThan(3500);
    expect(skew).toBeLessThan(3700);
  });

  it("turns every LOG_RX_DATA push into an rx event with SNR and RSSI", async () => {
    const { peer, rx } = await setup();
    const raw = Buffer.from(
      "150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D",
      "hex",
    );
    peer.pushRx(raw, -7.25, -101);
    peer.pushRx(
      Uint8Array.of(0x0d, 0x04, 0xb8, 0x91, 0x64, 0x7e, 0xbb, 0x40, 0xba, 0x70),
      10.5,
      -60,
    );
    await until(() => rx.length === 2, 5000, "two packets");
    expect(rx[0]).toMatchObject({ radioId: "c1", snr: -7.25, rssi: -101 });
    expect(Buffer.from(rx[0]!.raw).equals(raw)).toBe(true);
    expect(rx[1]).toMatchObject({ snr: 10.5, rssi: -60 });
    expect(Math.abs(rx[0]!.at - Date.now())).toBeLessThan(60_000);
  });

  it("drains the message queue on MSG_WAITING", async () => {
    const { peer } = await setup();
    peer.opts.queuedMessages = 3;
    const before = peer.commandCodes().filter((c) => c === 10).length;
    peer.send([0x83]);
    await until(
      () => peer.commandCodes().filter((c) => c === 10).length === before + 4,
      5000,
      "sync",
    );
    expect(peer.opts.queuedMessages).toBe(0);
  });

  it("sends adverts, channel messages and radio params, and signs only when allowed", async () => {
    const { peer, mgr } = await setup();
    const link = mgr.get("c1")!;
    expect(link.signer()).toBeNull();
    await link.sendAdvert(true);
    await link.sendAdvert(false);
    const adverts = peer.commands.filter((c) => c[0] === 7);
    expect(adverts.map((c) => c[1])).toEqual([1, 0]);
    await link.sendChannelMessage({ index: 0, name: "public", key: new Uint8Array(16) }, "hello");
    // By key: the driver finds slot 2 holding this secret.
    await link.sendChannelMessage({ name: "#test", key: new Uint8Array(16).fill(9) }, "héllo");
    const msgs = peer.commands.filter((c) => c[0] === 3);
    expect(msgs.map((c) => c[2])).toEqual([0, 2]);
    expect(new TextDecoder().decode(msgs[1]!.subarray(7))).toBe("héllo");
    await expect(
      link.sendChannelMessage({ name: "#nope", key: new Uint8Array(16).fill(1) }, "x"),
    ).rejects.toThrow(/not configured/);
    await expect(
      link.sendChannelMessage({ index: 0, name: "p", key: new Uint8Array(16) }, "x".repeat(200)),
    ).rejects.toThrow(/max 160/);
    await link.setParams({ freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5, txPowerDbm: 20 });
    const setRadio = peer.commands.find((c) => c[0] === 11)!;
    // freq in kHz, bw in Hz (MyMesh.cpp CMD_SET_RADIO_PARAMS).
    expect(Array.from(setRadio)).toEqual([
      11, 0xbd, 0xe4, 0x0d, 0x00, 0x24, 0xf4, 0x00, 0x00, 7, 5,
    ]);
    expect(peer.commands.find((c) => c[0] === 12)).toEqual(Uint8Array.of(12, 20));
    expect(mgr.list()[0]!.params?.freqMHz).toBe(910.525);
  });

  it("signs on the radio when allowKeyExport is set", async () => {
    const { peer, mgr } = await setup({ allowKeyExport: true });
    const sign = mgr.get("c1")!.signer()!;
    const sig = await sign(new Uint8Array(300).fill(1));
    expect(sig).toEqual(new Uint8Array(64).fill(0x5a));
    // 300 bytes go as SIGN_DATA chunks between SIGN_START and SIGN_FINISH.
    const codes = peer.commandCodes().filter((c) => c >= 33 && c <= 35);
    expect(codes[0]).toBe(33);
    expect(codes.at(-1)).toBe(35);
    const data = peer.commands.filter((c) => c[0] === 34).reduce((n, c) => n + c.length - 1, 0);
    expect(data).toBe(300);
    expect(peer.commandCodes()).not.toContain(23); // the key itself never leaves the radio
  });

  it("still comes up with a build that refuses DEVICE_QUERY", async () => {
    const { mgr } = await setup({ noDeviceQuery: true });
    const st = mgr.list()[0]!;
    expect(st.publicKey).toBe(Buffer.from(PEER_PUBKEY).toString("hex").toUpperCase());
    expect(st.firmware).toBeNull();
  });

  it("publishes a radio event with fresh stats on every poll while up", async () => {
    const { states, peer } = await setup({ pollIntervalMs: 50 });
    const upBefore = states.filter((s) => s.state === "up").length;
    const statsBefore = peer.commandCodes().filter((c) => c === 56).length;
    await until(
      () => peer.commandCodes().filter((c) => c === 56).length >= statsBefore + 9,
      10_000,
      "3 polls",
    );
    await until(
      () => states.filter((s) => s.state === "up").length >= upBefore + 3,
      10_000,
      "3 events",
    );
    expect(states.at(-1)!.stats?.noiseFloorDbm).toBe(-116);
  });

  it("pushes a new gateway name and position to the radio (a live setting)", async () => {
    const { peer, mgr } = await setup();
    const link = mgr.get("c1")!;
    await link.setGateway!({ name: "Hill <b>Top</b>", lat: -33.8688, lon: 151.2093 });
    const name = peer.commands.find((c) => c[0] === 8)!;
    expect(new TextDecoder().decode(name.subarray(1))).toBe("Hill <b>Top</b>");
    const pos = peer.commands.find((c) => c[0] === 14)!;
    const dv = new DataView(pos.buffer, pos.byteOffset);
    expect([dv.getInt32(1, true), dv.getInt32(5, true)]).toEqual([-33_868_800, 151_209_300]);
    expect(mgr.list()[0]!.name).toBe("Hill <b>Top</b>");
  });
});
