/**
 * The UI against the real daemon whose radio is the simulated companion
 * firmware on a real serial port (a socat pty pair), with the offline
 * basemap on: a PMTiles archive in the data directory and http.basemap
 * offline. The radio page shows the serial radio as /api/radios does, node
 * SNRs are the API's, and the map draws its tiles from the gateway's archive
 * (Range requests to /tiles/basemap.pmtiles, loaded as a separate chunk only
 * by pages with a map), never from the internet.
 */
import { existsSync } from "node:fs";
import type { Request } from "playwright-core";
import { expect, it } from "vitest";
import { BASEMAP_PATH } from "../../daemon/http/basemap.ts";
import type { RadioList } from "../../daemon/http/contract/index.ts";
import { PHONE, type Watched } from "../support/web/browser.ts";
import { closeClean, expectNodeSnrs, waitForHeardNodes } from "../support/web/checks.ts";
import { rasterArchive } from "../support/web/pmtiles.ts";
import { describeWithDaemon } from "../support/web/session.ts";

const HAVE_SOCAT = ["/usr/bin/socat", "/bin/socat"].some((p) => existsSync(p));

/** Wait for `selector`; a timeout names the page's errors too. */
async function shown(w: Watched, selector: string): Promise<void> {
  await w.page.waitForSelector(selector).catch((e: unknown) => {
    throw new Error(`${String(e)}\npage errors: ${w.errors.join(" | ")}`);
  });
}

describeWithDaemon(
  "a pty radio and the offline basemap",
  {
    timeoutMs: 300_000,
    skip: !HAVE_SOCAT,
    daemon: { pty: true, basemap: rasterArchive(6) },
    viewport: PHONE,
    ready: (d) => waitForHeardNodes(d.url, 150_000),
  },
  (s) => {
    const { api, browser } = s;

    it("the radio page shows the serial radio as /api/radios does", async () => {
      const radios = (await api<RadioList>("/api/radios")).items;
      expect(radios.length).toBe(1);
      const r = radios[0]!;
      expect(r.state).toBe("up");
      const w = await browser.page();
      await w.page.goto(`${s.daemon.url}/#/radio`);
      await shown(w, ".card h2");
      const card = await w.page.textContent(".card");
      expect(card).toContain(r.id);
      expect(card).toContain("companion");
      expect(card).toContain(r.publicKey!);
      expect(card).toContain(`${r.params!.freqMHz.toFixed(3)} MHz`);
      await closeClean(w);
    });

    it("node SNRs on the nodes page are the API's", async () => {
      const w = await browser.page();
      await expectNodeSnrs(w, s.daemon.url);
      await w.page.close();
    });

    it("the map draws tiles from the gateway's archive, loaded lazily, nothing off the gateway", async () => {
      const w = await browser.page();
      const requests: Request[] = [];
      w.page.on("request", (r) => requests.push(r));
      // A page without a map never fetches the offline layer's chunk.
      await w.page.goto(`${s.daemon.url}/#/about`);
      await shown(w, "main h1");
      await w.page.waitForLoadState("networkidle");
      expect(requests.filter((r) => /offline-tiles-/.test(r.url()))).toEqual([]);
      await w.page.goto(`${s.daemon.url}/#/map`);
      await w.page.waitForSelector(".leaflet-marker-icon");
      await shown(w, ".leaflet-tile-pane img.leaflet-tile-loaded");
      // The tiles are the archive's PNGs: decoded images of 256 px.
      const sizes = await w.page.$$eval(".leaflet-tile-pane img.leaflet-tile-loaded", (imgs) =>
        (imgs as HTMLImageElement[]).map((i) => i.naturalWidth),
      );
      expect(sizes.length).toBeGreaterThan(0);
      expect(sizes.every((s) => s === 256)).toBe(true);
      expect(requests.some((r) => /\/assets\/offline-tiles-[A-Z0-9]+\.js$/.test(r.url()))).toBe(
        true,
      );
      const ranged = requests.filter((r) => r.url().endsWith(BASEMAP_PATH));
      expect(ranged.length).toBeGreaterThan(1);
      for (const r of ranged) expect(r.headers().range).toMatch(/^bytes=\d+-\d+$/);
      const away = requests.filter(
        (r) => !/^(https?:\/\/127\.0\.0\.1[:/]|blob:|data:)/.test(r.url()),
      );
      expect(away.map((r) => r.url())).toEqual([]);
      expect(await w.page.textContent(".toolbar label")).toContain("offline");
      expect(await w.page.locator("[data-testid=tiles-off]").count()).toBe(0);
      await closeClean(w);
    });
  },
);
