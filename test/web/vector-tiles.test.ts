/**
 * The offline basemap as most operators will have it: a vector PMTiles
 * extract (MVT tiles in the Protomaps basemap's layer names) in the data
 * directory, drawn in the browser by protomaps-leaflet. Each tile of the
 * test archive is `earth` on its left half and `water` on its right, so map
 * tiles painted in exactly the style's land and water colours (never its
 * bare background) show the vector data was fetched with Range requests,
 * decoded and styled.
 */
import { namedFlavor } from "@protomaps/basemaps";
import { expect, it } from "vitest";
import { BASEMAP_PATH } from "../../daemon/http/basemap.ts";
import { VECTOR_FLAVOR } from "../../web/src/offline-tiles.ts";
import { PHONE } from "../support/web/browser.ts";
import { closeClean } from "../support/web/checks.ts";
import { vectorArchive } from "../support/web/pmtiles.ts";
import { describeWithDaemon } from "../support/web/session.ts";

/** RGBA at a quarter and at three quarters of a canvas' width, half its height. */
type Halves = { left: number[]; right: number[] };

/** "#e2dfda" -> "226,223,218,255", as getImageData reads an opaque pixel. */
const rgba = (hex: string) =>
  [1, 3, 5]
    .map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
    .concat(255)
    .join();

describeWithDaemon(
  "a vector offline basemap",
  {
    timeoutMs: 240_000,
    // Every zoom up to 14 holds the same tile, so every tile on screen is split.
    daemon: { basemap: vectorArchive(14) },
    viewport: PHONE,
  },
  (s) => {
    const { browser } = s;

    it("draws the archive's vector tiles on canvases, from the gateway only", async () => {
      const w = await browser.page();
      const ranged: string[] = [];
      const away: string[] = [];
      w.page.on("request", (r) => {
        if (r.url().endsWith(BASEMAP_PATH)) ranged.push(r.headers().range ?? "");
        if (!/^(https?:\/\/127\.0\.0\.1[:/]|blob:|data:)/.test(r.url())) away.push(r.url());
      });
      await w.page.goto(`${s.daemon.url}/#/map`);
      await w.page.waitForSelector(".leaflet-tile-pane canvas.leaflet-tile-loaded");
      const halves = await w.page.$$eval(
        ".leaflet-tile-pane canvas.leaflet-tile-loaded",
        (canvases) =>
          (canvases as HTMLCanvasElement[]).map((c): Halves => {
            const g = c.getContext("2d");
            const at = (x: number) => [
              ...(g?.getImageData(Math.floor(c.width * x), Math.floor(c.height / 2), 1, 1).data ??
                []),
            ];
            return { left: at(0.25), right: at(0.75) };
          }),
      );
      expect(halves.length).toBeGreaterThan(1);
      // protomaps-leaflet draws a 256 px map tile from a quarter of the data
      // tile a zoom below: tiles in even columns are all land, odd all water.
      for (const { left, right } of halves) {
        expect(left[3]).toBe(255);
        expect(left).toEqual(right);
      }
      // Exactly the style's land and water, never its bare background.
      const flavor = namedFlavor(VECTOR_FLAVOR);
      const colours = [...new Set(halves.map((h) => h.left.join()))].sort();
      expect(colours).toEqual([rgba(flavor.earth), rgba(flavor.water)].sort());
      expect(colours).not.toContain(rgba(flavor.background));
      expect(ranged.length).toBeGreaterThan(1);
      for (const r of ranged) expect(r).toMatch(/^bytes=\d+-\d+$/);
      expect(away).toEqual([]);
      expect(await w.page.locator("[data-testid=tiles-off]").count()).toBe(0);
      await closeClean(w);
    });
  },
);
