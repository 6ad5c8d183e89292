import { describe, expect, it } from "vitest";
import { channelHash, hashtagKey, PUBLIC_CHANNEL_KEY } from "../../daemon/protocol/crypto.ts";
import { packetHash } from "../../daemon/protocol/hash.ts";
import { MeshSimulator, type MeshSimulatorOptions } from "../../daemon/sim/simulator.ts";
import { simMesh, SIM_T0 as T0 } from "../support/sim/mesh.ts";
import { advertSigned, channelText, hex, parse, parseAdvert } from "../support/sim/packets.ts";

const BASE: MeshSimulatorOptions = simMesh({
  seed: 7,
  channels: [{ name: "#test" }, { name: "#bot" }],
  clock: () => T0,
});

const ADVERT = 4;
const GRP_TXT = 5;
const TRACE = 9;
const FLOOD = 1;

function sim(over: Partial<MeshSimulatorOptions> = {}): MeshSimulator {
  return new MeshSimulator({ ...BASE, ...over });
}

describe("MeshSimulator mesh", () => {
  it("builds the configured number of nodes with every role, unique valid keys and some unicode names", () => {
    const t = sim().truth();
    expect(t.nodes).toHaveLength(40);
    const roles = new Set(t.nodes.map((n) => n.role));
    for (const r of ["chat", "repeater", "room", "sensor"])
      expect(roles.has(r as never)).toBe(true);
    const keys = new Set(t.nodes.map((n) => n.publicKey));
    expect(keys.size).toBe(40);
    for (const k of keys) {
      expect(k).toMatch(/^[0-9A-F]{64}$/);
      expect(k.startsWith("00") || k.startsWith("FF")).toBe(false);
    }
    expect(t.nodes.some((n) => /[^\x00-\x7f]/.test(n.name))).toBe(true);
    expect(t.links.length).toBeGreaterThan(40);
  });

  it("puts the gateway at the centre as node 0 of the truth", () => {
    const s = sim();
    expect(s.gateway.lat).toBeCloseTo(37.7749, 6);
    expect(s.gateway.lon).toBeCloseTo(-122.4194, 6);
    expect(s.truth().nodes[0]?.publicKey).toBe(s.gateway.publicKey);
  });

  it("is deterministic: same seed gives the same bytes, another seed does not", () => {
    const a = sim().burst(400);
    const b = sim().burst(400);
    expect(a.map((r) => hex(r.raw))).toEqual(b.map((r) => hex(r.raw)));
    expect(a.map((r) => [r.at, r.snr, r.rssi])).toEqual(b.map((r) => [r.at, r.snr, r.rssi]));
    const c = sim({ seed: 8 }).burst(400);
    expect(c.map((r) => hex(r.raw))).not.toEqual(a.map((r) => hex(r.raw)));
  });

  it("delivers RxPackets with the radio id, plausible signal and ordered times", () => {
    const rx = sim({ radioId: "r1" }).burst(300);
    let last = 0;
    for (const r of rx) {
      expect(r.radioId).toBe("r1");
      expect(r.at).toBeGreaterThanOrEqual(last);
      last = r.at;
      expect(r.snr).not.toBeNull();
      expect(r.snr as number).toBeGreaterThanOrEqual(-20);
      expect(r.snr as number).toBeLessThanOrEqual(16);
      expect(Number.isInteger((r.snr as number) * 4)).toBe(true);
      expect(r.rssi as number).toBeLessThan(-20);
      expect(r.rssi as number).toBeGreaterThan(-140);
      expect(r.raw.length).toBeLessThanOrEqual(255);
    }
  });
});

describe("MeshSimulator packets", () => {
  const s = sim();
  const rx = s.burst(2000);
  const truth = s.truth();
  const names = new Set(truth.nodes.map((n) => n.name));
  const parsed = rx.map((r) => ({ rx: r, p: parse(r.raw) }));

  it("produces every traffic kind", () => {
    const types = new Set(parsed.map((x) => x.p.type));
    for (const t of [0, 1, 2, 3, 4, 5, 8, 9, 11]) expect(types.has(t)).toBe(true);
    const sizes = new Set(parsed.filter((x) => x.p.route === FLOOD).map((x) => x.p.hashSize));
    expect([...sizes].sort()).toEqual([1, 2, 3]);
  });

  it("signs every advert validly, within the app-data limit, for a real node", () => {
    const adverts = parsed.filter((x) => x.p.type === ADVERT);
    expect(adverts.length).toBeGreaterThan(100);
    for (const { p } of adverts) {
      const a = parseAdvert(p.payload);
      expect(advertSigned(p.payload)).toBe(true);
      expect(a.appData.length).toBeLessThanOrEqual(32);
      expect(names.has(a.name ?? "")).toBe(true);
      expect(truth.nodes.some((n) => n.publicKey === hex(a.publicKey))).toBe(true);
    }
  });

  it("encrypts every channel message with a valid MAC on a known channel", () => {
    const keys = [
      PUBLIC_CHANNEL_KEY,
      hashtagKey("#test"),
      hashtagKey("#bot"),
      hashtagKey("#wardriving"),
    ];
    const seen = new Set<number>();
    const msgs = parsed.filter((x) => x.p.type === GRP_TXT);
    expect(msgs.length).toBeGreaterThan(100);
    for (const { p } of msgs) {
      const k = keys.findIndex((key) => channelHash(key) === p.payload[0]);
      expect(k).toBeGreaterThanOrEqual(0);
      const text = channelText(keys[k] as Uint8Array, p.payload);
      expect(text).not.toBeNull();
      seen.add(k);
      const sender = text!.slice(0, text!.indexOf(": "));
      expect(names.has(sender)).toBe(true);
    }
    expect(seen.size).toBe(4);
  });

  it("builds well-formed paths along true links ending at the gateway", () => {
    const linked = new Set(truth.links.flatMap((l) => [`${l.a}|${l.b}`, `${l.b}|${l.a}`]));
    const gw = s.gateway.publicKey;
    const matches = (prefix: string) => truth.nodes.filter((n) => n.publicKey.startsWith(prefix));
    let checked = 0;
    for (const { p } of parsed) {
      expect(p.hops.length * p.hashSize).toBeLessThanOrEqual(64);
      if (p.route !== FLOOD || p.type === TRACE) continue;
      // Each hop must be a real node; walking back from the gateway, some
      // choice of nodes for the prefixes must be linked hop to hop.
      let frontier = new Set([gw]);
      for (let i = p.hops.length - 1; i >= 0; i--) {
        const cands = matches(p.hops[i] as string).map((n) => n.publicKey);
        expect(cands.length).toBeGreaterThan(0);
        const next = new Set(
          cands.filter((c) => [...frontier].some((f) => linked.has(`${c}|${f}`))),
        );
        expect(next.size).toBeGreaterThan(0);
        frontier = next;
      }
      if (p.type === ADVERT) {
        const origin = hex(parseAdvert(p.payload).publicKey);
        expect([...frontier].some((f) => linked.has(`${origin}|${f}`))).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("gives relayed copies of one transmission the same firmware hash and payload", () => {
    const byHash = new Map<string, Set<string>>();
    const paths = new Map<string, Set<string>>();
    for (const { rx: r, p } of parsed) {
      if (p.type === TRACE) continue;
      const h = packetHash(r.raw) as string;
      if (!byHash.has(h)) byHash.set(h, new Set());
      if (!paths.has(h)) paths.set(h, new Set());
      byHash.get(h)?.add(hex(p.payload));
      paths.get(h)?.add(p.hops.join(","));
    }
    for (const payloads of byHash.values()) expect(payloads.size).toBe(1);
    const multi = [...paths.values()].filter((p) => p.size >= 2).length;
    expect(multi).toBeGreaterThan(100);
  });

  it("carries SNRs in TRACE paths and route hashes in the payload", () => {
    const traces = parsed.filter((x) => x.p.type === TRACE);
    expect(traces.length).toBeGreaterThan(0);
    for (const { p } of traces) {
      expect(p.route).toBe(2);
      expect(p.hashSize).toBe(1);
      expect(p.payload.length).toBeGreaterThan(9);
      for (const b of p.pathBytes) expect((b << 24) >> 24).toBeGreaterThanOrEqual(-40); // int8 SNR*4
    }
  });
});

describe("MeshSimulator rate", () => {
  for (const rate of [0.5, 1.5, 3]) {
    it(`hears about ${rate} packets/s over simulated time`, () => {
      const s = sim({ packetsPerSec: rate, seed: 11 });
      s.pump(T0 + 600_000); // skip the start-up advert round
      const hour = s.pump(T0 + 600_000 + 3_600_000);
      const perSec = hour.length / 3600;
      expect(perSec).toBeGreaterThan(rate * 0.85);
      expect(perSec).toBeLessThan(rate * 1.15);
    });
  }
});
