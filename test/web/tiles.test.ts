/** Which tiles a map draws: the daemon's http.basemap combined with this browser's switch. */
import { describe, expect, it } from "vitest";
import type { BasemapInfo } from "../../daemon/http/contract/index.ts";
import { DEFAULT_TILES, tileSource } from "../../web/src/tiles.ts";

const info = (o: Partial<BasemapInfo>): BasemapInfo => ({
  mode: "online",
  url: null,
  bytes: null,
  problem: null,
  ...o,
});

describe("tileSource", () => {
  it("follows the daemon: online tiles, the offline archive, or none", () => {
    expect(tileSource(info({}), true)).toEqual({ kind: "url", template: DEFAULT_TILES });
    expect(
      tileSource(info({ mode: "offline", url: "/tiles/basemap.pmtiles", bytes: 9 }), true),
    ).toEqual({ kind: "pmtiles", url: "/tiles/basemap.pmtiles" });
    expect(tileSource(info({ mode: "none" }), true).kind).toBe("off");
  });

  it("says why offline tiles are missing, and an unticked switch wins over everything", () => {
    const missing = tileSource(info({ mode: "offline", problem: "no archive" }), true);
    expect(missing).toEqual({ kind: "off", why: "no archive" });
    expect(tileSource(info({ mode: "offline", url: "/x", bytes: 1 }), false)).toEqual({
      kind: "off",
      why: null,
    });
  });

  it("an older daemon without the endpoint keeps online tiles", () => {
    expect(tileSource(null, true)).toEqual({ kind: "url", template: DEFAULT_TILES });
  });
});
