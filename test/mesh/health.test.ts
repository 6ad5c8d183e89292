/** Node health: statuses from per-role thresholds, advert interval, names from the air. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import { MeshModel } from "../../daemon/mesh/model.ts";
import { cleanName } from "../../daemon/mesh/nodes.ts";
import { DEFAULT_HEALTH, resolveConfig } from "../../daemon/mesh/types.ts";
import { advertObs, advertOf, key } from "../support/mesh/obs.ts";

const T0 = Date.UTC(2026, 4, 1);
const H = 3_600_000;
const R = key("ee", 1);

describe("node health", () => {
  it("repeater: healthy, then degraded, then silent by the default thresholds", () => {
    const now = { t: T0 };
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => now.t });
    const A = key("a1", 1);
    m.observe(advertObs(advertOf(A, { role: 2, name: "Hill" }), [], { radioKey: R, at: T0 }));
    const status = () => m.nodes().find((n) => n.publicKey === A)?.status;
    expect(status()).toBe("healthy");
    now.t = T0 + DEFAULT_HEALTH.repeater.degradedAfterSec * 1000;
    expect(status()).toBe("degraded");
    now.t = T0 + DEFAULT_HEALTH.repeater.silentAfterSec * 1000;
    expect(status()).toBe("silent");
    expect(m.stats().health).toMatchObject({ silent: 1 });
  });

  it("config overrides one role's thresholds and keeps the others' defaults", () => {
    const cfg = resolveConfig({
      health: { repeater: { degradedAfterSec: 60 }, companion: { silentAfterSec: 99 } },
    });
    expect(cfg.health.repeater).toEqual({
      degradedAfterSec: 60,
      silentAfterSec: DEFAULT_HEALTH.repeater.silentAfterSec,
    });
    expect(cfg.health.chat.silentAfterSec).toBe(99);
    expect(cfg.health.sensor).toEqual(DEFAULT_HEALTH.sensor);
    const now = { t: T0 };
    const m = new MeshModel({
      config: { health: { repeater: { degradedAfterSec: 60, silentAfterSec: 120 } } },
      log: silentLogger(),
      now: () => now.t,
    });
    const A = key("a1", 1);
    const C = key("c1", 1);
    m.observe(advertObs(advertOf(A, { role: 2 }), [], { radioKey: R }));
    m.observe(advertObs(advertOf(C, { role: 1 }), [], { radioKey: R }));
    now.t = T0 + 61_000;
    expect(m.node(A)).toMatchObject({ status: "degraded", thresholds: { degradedAfterSec: 60 } });
    expect(m.node(C)?.status).toBe("healthy");
    now.t = T0 + 121_000;
    expect(m.node(A)?.status).toBe("silent");
  });

  it("advert interval from distinct adverts; relayed copies do not count", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 + 5 * H });
    const A = key("a1", 1);
    m.observe(advertObs(advertOf(A), [], { radioKey: R, at: T0 }));
    m.observe(advertObs(advertOf(A), ["b2"], { radioKey: R, at: T0 + 1000, firstSeen: false }));
    m.observe(advertObs(advertOf(A), [], { radioKey: R, at: T0 + 2 * H }));
    const n = m.node(A);
    expect(n).toMatchObject({ advertCount: 2, advertIntervalSec: 7200, lastAdvert: T0 + 2 * H });
  });

  it("position, role and name come from the latest advert; names are cleaned and bounded", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    const A = key("a1", 1);
    m.observe(
      advertObs(
        advertOf(A, { role: 3, lat: 37.5, lon: -122.1, name: `x\u0000y${"z".repeat(200)}` }),
        [],
        { radioKey: R },
      ),
    );
    const n = m.node(A);
    expect(n).toMatchObject({ role: "room", lat: 37.5, lon: -122.1 });
    expect(n?.name?.startsWith("xy")).toBe(true);
    expect(n?.name?.length).toBe(64);
    expect(cleanName("\u0001\u0002")).toBeNull();
    expect(cleanName(42)).toBeNull();
  });

  it("tells a listener of new nodes and fresh adverts, not of relayed copies", () => {
    const seen: string[] = [];
    const m = new MeshModel({
      config: {},
      log: silentLogger(),
      now: () => T0,
      onNode: (e) => seen.push(`${e.change}:${e.publicKey.slice(0, 2)}`),
    });
    const A = key("a1", 1);
    m.observe(advertObs(advertOf(A), [], { radioKey: R }));
    m.observe(advertObs(advertOf(A), ["b2"], { radioKey: R, firstSeen: false }));
    m.observe(advertObs(advertOf(A), [], { radioKey: R, at: T0 + H }));
    expect(seen).toEqual(["new:A1", "updated:A1"]);
  });

  it("an unknown key gives null, a malformed advert key is ignored", () => {
    const m = new MeshModel({ config: {}, log: silentLogger(), now: () => T0 });
    expect(m.node(key("99"))).toBeNull();
    m.observe(advertObs(advertOf("NOT-A-KEY"), [], { radioKey: R }));
    expect(m.nodes().map((n) => n.publicKey)).toEqual([R]);
  });
});
