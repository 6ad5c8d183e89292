import { describe, expect, it } from "vitest";
import type { RxPacket } from "../../daemon/core/types.ts";
import { hashtagKey, PUBLIC_CHANNEL_KEY } from "../../daemon/protocol/crypto.ts";
import { buildAdvertPayload, encodePacket } from "../../daemon/protocol/encode.ts";
import { MeshSimulator, type MeshSimulatorOptions } from "../../daemon/sim/simulator.ts";
import { simMesh, SIM_T0 as T0 } from "../support/sim/mesh.ts";
import { advertSigned, channelText, hex, parse, parseAdvert } from "../support/sim/packets.ts";

const BASE: MeshSimulatorOptions = simMesh({
  seed: 3,
  nodes: 30,
  centre: { lat: 51.5, lon: -0.12 },
  radiusKm: 10,
  clock: () => T0,
});

describe("MeshSimulator injection", () => {
  it("sends a hostile advert name as-is and adds the node to the truth", () => {
    const s = new MeshSimulator(BASE);
    const name = "<img src=x onerror=alert(1)>";
    const heard = s.injectAdvert({ name, role: "room" });
    expect(heard.length).toBeGreaterThan(0);
    const p = parse(heard[0]?.raw as Uint8Array);
    const a = parseAdvert(p.payload);
    expect(a.name).toBe(name.slice(0, 23)); // with a location: 32 - 1 - 8 bytes
    expect(a.role).toBe(3);
    expect(advertSigned(p.payload)).toBe(true);
    expect(s.truth().nodes.some((n) => n.publicKey === hex(a.publicKey) && n.name === a.name)).toBe(
      true,
    );
    // The same packets come out of the timeline too.
    const later = s.pump(T0 + 60_000).map((r) => hex(r.raw));
    for (const h of heard) expect(later).toContain(hex(h.raw));
  });

  it("bounds a long unicode name at a character boundary", () => {
    const s = new MeshSimulator(BASE);
    const heard = s.injectAdvert({ name: "🦊".repeat(20) });
    const a = parseAdvert(parse(heard[0]?.raw as Uint8Array).payload);
    expect(a.appData.length).toBeLessThanOrEqual(32);
    expect(a.name).toBe("🦊".repeat(5));
  });

  it("injects channel messages that decrypt to sender: text", () => {
    const s = new MeshSimulator(BASE);
    const a = s.injectChannelMessage({
      channel: "#test",
      sender: "Tester",
      text: "hello <b>mesh</b>",
    });
    const b = s.injectChannelMessage({ channel: "public", sender: "P", text: "hi" });
    const c = s.injectChannelMessage({ channel: "#other", sender: "Q", text: "x" });
    const text = (rx: RxPacket, key: Uint8Array) => channelText(key, parse(rx.raw).payload);
    expect(text(a[0] as RxPacket, hashtagKey("#test"))).toBe("Tester: hello <b>mesh</b>");
    expect(text(b[0] as RxPacket, PUBLIC_CHANNEL_KEY)).toBe("P: hi");
    expect(text(c[0] as RxPacket, hashtagKey("#other"))).toBe("Q: x");
  });
});

describe("MeshSimulator transmit", () => {
  it("records what the gateway sends and hears repeaters relay its flood", () => {
    const s = new MeshSimulator(BASE);
    const payload = buildAdvertPayload({
      identity: s.identity,
      timestamp: 1_760_000_000,
      role: 1,
      name: s.gateway.name,
    });
    const raw = encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload });
    s.transmit(raw);
    expect(s.transmitted().map((t) => hex(t.raw))).toEqual([hex(raw)]);
    const echoes = s.pump(T0 + 30_000).filter((r) => hex(parse(r.raw).payload) === hex(payload));
    expect(echoes.length).toBeGreaterThan(0);
    const truth = s.truth();
    const gwLinks = new Set(
      truth.links.flatMap((l) =>
        l.a === s.gateway.publicKey ? [l.b] : l.b === s.gateway.publicKey ? [l.a] : [],
      ),
    );
    for (const e of echoes) {
      const hops = parse(e.raw).hops;
      expect(hops.length).toBeGreaterThan(0);
      // The first relay heard the gateway directly.
      expect([...gwLinks].some((k) => k.startsWith(hops[0] as string))).toBe(true);
    }
  });

  it("answers a zero-hop discover request from the gateway", () => {
    const s = new MeshSimulator(BASE);
    const req = encodePacket({
      route: 2,
      payloadType: 11,
      hashSize: 1,
      hops: [],
      payload: Uint8Array.of(0x80, 1 << 2, 1, 2, 3, 4),
    });
    s.transmit(req);
    const replies = s
      .pump(T0 + 10_000)
      .filter((r) => parse(r.raw).type === 11 && (parse(r.raw).payload[0] ?? 0) >> 4 === 9);
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) expect(hex(parse(r.raw).payload.subarray(2, 6))).toBe("01020304");
  });

  it("forwards a direct packet from the gateway along its path, each relay removing itself", () => {
    const s = new MeshSimulator(BASE);
    const truth = s.truth();
    const role = new Map(truth.nodes.map((n) => [n.publicKey, n.role]));
    const linked = new Set(truth.links.flatMap((l) => [`${l.a}|${l.b}`, `${l.b}|${l.a}`]));
    const gw = s.gateway.publicKey;
    // A two-repeater route out of the gateway whose second hop the gateway also hears.
    const reps = truth.nodes.map((n) => n.publicKey).filter((k) => role.get(k) === "repeater");
    let route: [string, string] | null = null;
    for (const a of reps) {
      for (const b of reps) {
        if (
          a !== b &&
          linked.has(`${gw}|${a}`) &&
          linked.has(`${a}|${b}`) &&
          linked.has(`${gw}|${b}`)
        )
          route = [a, b];
      }
    }
    expect(route).not.toBeNull();
    const [r1, r2] = route as [string, string];
    const hops = [Buffer.from(r1.slice(0, 4), "hex"), Buffer.from(r2.slice(0, 4), "hex")];
    const raw = encodePacket({
      route: 2,
      payloadType: 0,
      hashSize: 2,
      hops,
      payload: Uint8Array.of(1, 2, 3, 4, 5, 6),
    });
    let heard: string[][] = [];
    // Fading may lose a hop now and then: a few tries must get the packet through.
    for (let i = 0; i < 10 && heard.length < 2; i++) {
      s.transmit(raw);
      heard = s
        .pump(s.now() + 10_000)
        .filter((r) => hex(parse(r.raw).payload) === "010203040506")
        .map((r) => parse(r.raw).hops);
    }
    expect(heard).toContainEqual([r2.slice(0, 4)]); // r1's copy: only r2 ahead
    expect(heard).toContainEqual([]); // r2's copy: no hops left
  });

  it("ignores malformed transmissions without throwing", () => {
    const s = new MeshSimulator(BASE);
    s.transmit(Uint8Array.of(0x11, 0xff));
    s.transmit(new Uint8Array(0));
    expect(s.transmitted()).toHaveLength(2);
  });
});

describe("MeshSimulator live mode", () => {
  it("delivers receptions through timers and stops cleanly", async () => {
    const s = new MeshSimulator({ ...BASE, packetsPerSec: 200, clock: undefined });
    const got: RxPacket[] = [];
    await new Promise<void>((resolve) => {
      s.start((rx) => {
        got.push(rx);
        if (got.length === 20) resolve();
      });
    });
    s.stop();
    const n = got.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(got.length).toBe(n);
    expect(got.every((r) => r.radioId === "sim" && r.raw.length > 2)).toBe(true);
  });

  it("goes live at once after a burst moved simulated time ahead", async () => {
    const s = new MeshSimulator({ ...BASE, packetsPerSec: 50, clock: undefined });
    const ahead = s.burst(1500); // about 30 s of simulated traffic
    expect((ahead.at(-1)?.at ?? 0) - Date.now()).toBeGreaterThan(10_000);
    const got: RxPacket[] = [];
    const t0 = Date.now();
    await new Promise<void>((resolve) => {
      s.start((rx) => {
        got.push(rx);
        if (got.length === 5) resolve();
      });
    });
    s.stop();
    // Delivered times follow the live clock again, not the burst's timeline.
    expect(Math.max(...got.map((r) => r.at))).toBeLessThan(t0 + 10_000);
  });
});
