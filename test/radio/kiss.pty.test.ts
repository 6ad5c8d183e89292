/**
 * The KISS driver through a real pty against a scripted modem: SetRadio on
 * every connect, RxMeta pairing, raw transmit with TxDone, modem signing.
 */
import { describe, expect, it } from "vitest";
import { decryptChannel } from "../../daemon/protocol/crypto.ts";
import type { RadioConfig } from "../../daemon/radio/index.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { KissPeer, MODEM_PUBKEY } from "../support/radio/kiss-peer.ts";
import { peerOverPty, radioManager, startUp } from "../support/radio/rig.ts";
import { tcpRadio } from "../support/radio/tcp.ts";
import { until } from "../support/wait.ts";

const cleanups = cleanupsAfterEach();

const PARAMS = { freqMHz: 869.618, bwKHz: 62.5, sf: 8, cr: 8, txPowerDbm: 14 };

async function start(radio: Partial<RadioConfig> & Pick<RadioConfig, "serial" | "tcp">) {
  const { mgr, rx } = radioManager(cleanups, {
    radios: [{ id: "k", driver: "kiss", params: PARAMS, commandTimeoutMs: 800, ...radio }],
    backoff: { baseMs: 50, capMs: 300, jitter: 0.2 },
    gateway: { name: "GW Test" },
  });
  await startUp(mgr, "kiss up");
  return { mgr, rx };
}

async function overPty(radio: Partial<RadioConfig> = {}) {
  const { pair, pipe } = await peerOverPty(cleanups);
  const peer = new KissPeer(pipe);
  const r = await start({ serial: { path: pair.device }, tcp: undefined, ...radio });
  return { peer, ...r };
}

describe("KISS driver over a pty", () => {
  it("pushes the configured radio settings and reads identity and stats", async () => {
    const { peer, mgr } = await overPty();
    // SetRadio: freq u32 Hz (869618000 = 0x33D55150), bw u32 Hz (62500), sf, cr.
    expect(Array.from(peer.hwFrames(0x09)[0]!)).toEqual([
      0x50, 0x51, 0xd5, 0x33, 0x24, 0xf4, 0, 0, 8, 8,
    ]);
    expect(peer.txPower).toBe(14);
    const st = mgr.list()[0]!;
    expect(st.publicKey).toBe(Buffer.from(MODEM_PUBKEY).toString("hex").toUpperCase());
    expect(st.model).toBe("RAK4631");
    expect(st.firmware).toBe("kiss v1");
    expect(st.params).toEqual(PARAMS);
    expect(st.stats).toMatchObject({ noiseFloorDbm: -118, batteryMv: 3700, recvErrors: 4 });
  });

  it("pairs each data frame with the RxMeta after it", async () => {
    const { peer, rx } = await overPty();
    // Bytes that need KISS escaping (C0, DB) must arrive unchanged.
    const a = Uint8Array.of(0x11, 0x00, 0xc0, 0xdb, 0x01, 0xc0);
    const b = Uint8Array.of(0x15, 0x00, 0x11, 0x22);
    const c = Uint8Array.of(0x0d, 0x00, 0x33, 0x44);
    peer.pushRx(a, -3.5, -110);
    peer.pushRx(b, 0, 0, false); // no meta, then another data frame
    peer.pushRx(c, 8.25, -72);
    await until(() => rx.length === 3, 5000, "three packets");
    expect(rx.map((p) => Buffer.from(p.raw).toString("hex"))).toEqual([
      "1100c0db01c0",
      "15001122",
      "0d003344",
    ]);
    expect(rx.map((p) => [p.snr, p.rssi])).toEqual([
      [-3.5, -110],
      [null, null],
      [8.25, -72],
    ]);
    // A lone data frame still arrives after a short wait.
    peer.pushRx(b, 0, 0, false);
    await until(() => rx.length === 4, 5000, "lone frame");
    expect(rx[3]).toMatchObject({ snr: null, rssi: null, radioId: "k" });
  });

  it("transmits adverts signed by the modem and channel messages, waiting for TxDone", async () => {
    const { peer, mgr } = await overPty();
    const link = mgr.get("k")!;
    await link.sendAdvert(true);
    await link.sendAdvert(false);
    const [flood, zero] = peer.dataFrames();
    expect(flood![0]).toBe(0x11); // FLOOD | ADVERT << 2
    expect(zero![0]).toBe(0x12); // DIRECT with an empty path = zero hop
    expect(flood![1]).toBe(0);
    expect(Buffer.from(flood!.subarray(2, 34)).equals(Buffer.from(MODEM_PUBKEY))).toBe(true);
    // The modem signed pubkey + timestamp + app data; our fake signature is that length.
    const signed = peer.hwFrames(0x04)[0]!;
    expect(Buffer.from(signed.subarray(0, 32)).equals(Buffer.from(MODEM_PUBKEY))).toBe(true);
    expect(flood!.subarray(38, 102)).toEqual(new Uint8Array(64).fill(signed.length & 0xff));
    expect(new TextDecoder().decode(flood!.subarray(103))).toBe("GW Test");

    const key = new Uint8Array(16).fill(7);
    await link.sendChannelMessage({ name: "#x", key }, "hello");
    const grp = peer.dataFrames()[2]!;
    expect(grp[0]).toBe(0x15);
    const plain = decryptChannel(key, grp.subarray(3))!;
    expect(plain).not.toBeNull();
    expect(new TextDecoder().decode(plain.subarray(5)).replace(/\0+$/, "")).toBe("GW Test: hello");
    expect(mgr.list()[0]!.counters.tx).toBe(3);
    expect(link.signer()).toBeNull();
  });

  it("signs for token auth through the modem when allowed", async () => {
    const { peer, mgr } = await overPty({ allowKeyExport: true });
    const sig = await mgr.get("k")!.signer()!(new Uint8Array(40));
    expect(sig).toEqual(new Uint8Array(64).fill(40));
    expect(peer.hwFrames(0x04)).toHaveLength(1);
  });

  it("sets the radio again on every reconnect (the modem does not persist it)", async () => {
    const server = await tcpRadio();
    cleanups.push(() => server.close());
    const peers: KissPeer[] = [];
    const socks: { destroy(): void }[] = [];
    server.onConnection((pipe, sock) => {
      peers.push(new KissPeer(pipe));
      socks.push(sock);
    });
    const { mgr, rx } = await start({
      tcp: { host: "127.0.0.1", port: server.port },
      serial: undefined,
    });
    socks[0]!.destroy();
    await until(
      () => peers.length === 2 && mgr.list()[0]!.state === "up",
      10_000,
      "second connection up",
    );
    expect(peers[1]!.hwFrames(0x09)).toHaveLength(1);
    peers[1]!.pushRx(Uint8Array.of(0x15, 0, 1, 2), 1, -99);
    await until(() => rx.length === 1, 5000, "packet on new connection");
  });
});
