/** Traffic and RF rollups: buckets, histograms, airtime utilisation, duty cycle, talkers, channels. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import type { RadioStatus } from "../../daemon/core/types.ts";
import { loraAirtimeMs } from "../../daemon/mesh/airtime.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { advertObs, advertOf, hopOf, key, obs } from "../support/mesh/obs.ts";

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);
const R = key("ee", 1);

function status(stats: Partial<NonNullable<RadioStatus["stats"]>> | null): RadioStatus {
  return {
    id: "r0",
    driver: "companion",
    state: "up",
    since: T0,
    lastError: null,
    publicKey: R,
    name: "gw",
    params: { freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 },
    model: null,
    firmware: null,
    clockSkewSec: null,
    stats: stats
      ? {
          noiseFloorDbm: null,
          txAirSecs: null,
          rxAirSecs: null,
          batteryMv: null,
          uptimeSecs: null,
          recvErrors: null,
          queueLen: null,
          ...stats,
        }
      : null,
    counters: {},
  };
}

describe("analytics", () => {
  it("airtime follows the protocol doc's example and refuses nonsense", () => {
    // protocol doc section 7: 100 bytes at SF8/62.5/CR8 is about 1.03 s
    expect(loraAirtimeMs(100, { sf: 8, bwKHz: 62.5, cr: 8 })).toBeCloseTo(1033.2, 1);
    expect(loraAirtimeMs(100, { sf: 8, bwKHz: 62.5, cr: 4 })).toBeCloseTo(1033.2, 1); // offset form
    expect(loraAirtimeMs(10, { sf: 13, bwKHz: 62.5, cr: 5 })).toBeNaN();
    expect(loraAirtimeMs(10, { sf: 7, bwKHz: 0, cr: 5 })).toBeNaN();
  });

  it("per-minute buckets count by type, route, hash size, hops and duplicates", () => {
    const now = { t: T0 + 120_000 };
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => now.t });
    m.observe(obs({ at: T0, hops: ["a1", "b2"], route: 1, payloadType: 5, hash: "01" }));
    m.observe(
      obs({ at: T0 + 1000, hops: ["a1"], route: 1, payloadType: 5, hash: "01", firstSeen: false }),
    );
    m.observe(obs({ at: T0 + 61_000, hops: ["a1b2"], hashSize: 2, route: 2, payloadType: 2 }));
    const packets = m.analytics("packets", "1h");
    expect(packets && "points" in packets ? packets.points : null).toEqual([
      { t: T0, observations: 2, transmissions: 1, duplicates: 1 },
      { t: T0 + 60_000, observations: 1, transmissions: 1, duplicates: 0 },
    ]);
    const types = m.analytics("types", "24h");
    expect(types && "points" in types ? types.points : null).toEqual([
      { t: T0, GRP_TXT: 2 },
      { t: T0 + 60_000, TXT_MSG: 1 },
    ]);
    const routes = m.analytics("routes", "7d");
    expect(routes && "points" in routes ? routes.points : null).toEqual([
      { t: T0, FLOOD: 2, DIRECT: 1 },
    ]);
    const hs = m.analytics("hashSizes", "30d");
    expect(hs && "points" in hs ? hs.points : null).toEqual([{ t: T0, "1": 2, "2": 1, "3": 0 }]);
    const hops = m.analytics("hops", "1h");
    expect(hops && "points" in hops ? hops.points[0] : null).toEqual({ t: T0, "1": 1, "2": 1 });
    expect(m.stats().hashSizes).toEqual({ "1": 2, "2": 1, "3": 0 });
    expect(m.analytics("packets", "2y" as never)).toBeNull();
    expect(m.analytics("nope" as never, "1h")).toBeNull();
  });

  it("SNR and RSSI histograms, clamped at the ends", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    for (const snr of [-30, -5.5, -5.25, 12, 99])
      m.observe(obs({ at: T0, hops: [], snr, rssi: -100 }));
    const h = m.analytics("snr", "1h");
    const bins = h && "bins" in h ? h.bins : [];
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(5);
    expect(bins[0]).toEqual({ lo: -24, hi: -23, count: 1 });
    expect(bins.find((b) => b.lo === -6)?.count).toBe(2);
    expect(bins.at(-1)?.count).toBe(1);
    const r = m.analytics("rssi", "1h");
    expect(r && "bins" in r ? r.bins.find((b) => b.lo === -100)?.count : 0).toBe(5);
  });

  it("channel utilisation from the airtime of heard packets with the radio's parameters", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 1 });
    m.radioStats(status(null));
    m.observe(obs({ at: T0, hops: [], rawLength: 100 }));
    m.observe(obs({ at: T0, hops: [], rawLength: 100 }));
    const a = m.analytics("airtime", "1h");
    const expected = (2 * loraAirtimeMs(100, { sf: 7, bwKHz: 62.5, cr: 5 })) / 60_000;
    expect(a && "points" in a ? a.points[0]?.r0 : 0).toBeCloseTo(expected, 4);
  });

  it("noise floor and duty cycle from radio stats", () => {
    const now = { t: T0 };
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => now.t });
    m.radioStats(status({ noiseFloorDbm: -118, txAirSecs: 10, rxAirSecs: 100 }));
    now.t = T0 + 100_000;
    m.radioStats(status({ noiseFloorDbm: -115, txAirSecs: 11, rxAirSecs: 120 }));
    const d = m.analytics("duty", "1h");
    expect(d && "radios" in d ? d.radios.r0 : null).toEqual([
      { t: T0, noiseFloorDbm: -118, txDuty: null, rxDuty: null },
      { t: T0 + 100_000, noiseFloorDbm: -115, txDuty: 0.01, rxDuty: 0.2 },
    ]);
  });

  it("the radio's key from its status anchors the last hop when observations lack it", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    m.radioStats(status(null));
    const A = key("a1", 1);
    m.observe(advertObs(advertOf(A), [], { radioKey: key("d0") }));
    m.observe(obs({ at: T0, hops: [hopOf(A)] }));
    expect(m.node(A)?.neighbours.some((e) => e.a === R || e.b === R)).toBe(true);
  });

  it("top talkers and channel message counts", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    const A = key("a1", 1);
    m.observe(advertObs(advertOf(A), [], { radioKey: R }));
    for (let i = 0; i < 3; i++)
      m.observe(obs({ at: T0, hops: [hopOf(A)], radioKey: R, channel: "#test" }));
    m.observe(obs({ at: T0, hops: [hopOf(A)], radioKey: R, channel: "#test", firstSeen: false }));
    m.observe(obs({ at: T0, hops: [], radioKey: R, channel: "hash:d9" }));
    const s = m.stats();
    expect(s.channels).toEqual({ "#test": 3, "hash:d9": 1 });
    expect(s.topTalkers[0]).toMatchObject({ id: A, originated: 1, relayed: 3 });
  });
});
