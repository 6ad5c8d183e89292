/**
 * The web UI against the real daemon: meshgate runs as a child process with
 * its radio played by the simulated companion firmware over loopback TCP, in
 * chromium with every off-loopback request aborted. The simulator lives in
 * this process, so the test injects a hostile advert into the simulated mesh
 * and reads what the gateway transmitted after a send from the UI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CHROMIUM, TestBrowser, type Watched } from "../support/web/browser.ts";
import { HAVE_DAEMON, type RealDaemon, startRealDaemon } from "../support/web/daemon.ts";
import { prepareDistWeb } from "../support/web/setup.ts";

if (!HAVE_CHROMIUM) console.warn("[web] /usr/bin/chromium not found: browser tests skipped");

/** Chromium logs every non-2xx fetch as a console error; 503 = "still building". */
const onlyExpected = (errors: readonly string[]) => errors.filter((e) => !/status of 503/.test(e));

describe.skipIf(!HAVE_CHROMIUM || !HAVE_DAEMON)(
  "web UI against the real daemon",
  { timeout: 180_000 },
  () => {
    let daemon: RealDaemon;
    const browser = new TestBrowser();

    beforeAll(async () => {
      await prepareDistWeb();
      daemon = await startRealDaemon();
      await browser.start();
    }, 180_000);

    afterAll(async () => {
      await browser.stop();
      await daemon?.stop();
    });

    async function open(hash: string): Promise<Watched> {
      const w = await browser.page();
      await w.page.goto(`${daemon.url}/${hash}`);
      await w.page.waitForSelector("[data-live=open]", { timeout: 60_000 });
      return w;
    }

    it("loads every page without console errors", async () => {
      const w = await open("#/");
      for (const hash of [
        "#/",
        "#/feed",
        "#/nodes",
        "#/map",
        "#/graph",
        "#/channels/%23test",
        "#/radio",
        "#/about",
      ]) {
        await w.page.goto(`${daemon.url}/${hash}`);
        await w.page.waitForSelector("main h1");
        await w.page.waitForLoadState("networkidle");
        await browser.shot(w.page, `daemon-${hash.replace(/[#/%]/g, "") || "overview"}`);
      }
      expect(onlyExpected(w.errors)).toEqual([]);
      expect(w.dialogs).toEqual([]);
      await w.page.close();
    });

    it("shows simulated traffic arriving live and opens a packet", async () => {
      const w = await open("#/feed");
      await w.page.waitForSelector(".feed-row", { timeout: 60_000 });
      const countOf = async () =>
        Number((await w.page.textContent("[data-testid=feed-count]"))?.split(" ")[0]);
      const before = await countOf();
      await w.page.waitForFunction(
        (n) =>
          Number(document.querySelector("[data-testid=feed-count]")?.textContent?.split(" ")[0]) >
          n,
        before,
        { timeout: 60_000 },
      );
      await w.page.locator(".feed-row a.summary").first().click();
      await w.page.waitForSelector("[data-testid=bytes]");
      expect(await w.page.locator("[data-testid=observations] tbody tr").count()).toBeGreaterThan(
        0,
      );
      expect(onlyExpected(w.errors)).toEqual([]);
      await w.page.close();
    });

    it("shows a hostile advert name from the air as text and runs nothing", async () => {
      const evil = "<img src=x onerror=alert(1)>";
      daemon.sim.injectAdvert({ name: evil, role: "room", lat: 37.78, lon: -122.41 });
      const w = await open("#/nodes");
      // The node list refreshes every 30 s; reload until the advert is stored.
      await expect
        .poll(
          async () => {
            await w.page.reload();
            await w.page.waitForSelector("main h1");
            return w.page.locator(`[data-testid=nodes] :text("${evil.slice(0, 23)}")`).count();
          },
          { timeout: 90_000, interval: 3000 },
        )
        .toBe(1);
      await w.page.locator(`[data-testid=nodes] a:text("${evil.slice(0, 23)}")`).click();
      await w.page.waitForSelector("[data-testid=node-name]");
      expect(await w.page.textContent("[data-testid=node-name]")).toContain("<img src=x");
      await w.page.goto(`${daemon.url}/#/feed`);
      await w.page.waitForSelector(".feed-row");
      expect(await w.page.locator("img[src=x]").count()).toBe(0);
      expect(w.dialogs).toEqual([]);
      expect(onlyExpected(w.errors)).toEqual([]);
      await w.page.close();
    });

    it("sends a channel message from the UI that the simulated radio transmits", async () => {
      const w = await open("#/channels/%23test");
      const sentBefore = daemon.firmware.record().transmits.length;
      await w.page.fill("input[type=password]", daemon.token);
      await w.page.fill("input[placeholder^='Message']", "hello from the web UI");
      await w.page.click("button:text('Send')");
      await w.page.waitForSelector("[data-testid=send-status]", { timeout: 30_000 });
      expect(await w.page.textContent("[data-testid=send-status]")).toBe("Sent to the radio.");
      await expect
        .poll(() => daemon.firmware.record().transmits.length, { timeout: 30_000 })
        .toBeGreaterThan(sentBefore);
      // Header of what went on air: GRP_TXT (type 5) in bits 2-5.
      const raw = daemon.firmware.record().transmits.at(-1)!.raw;
      expect(((raw[0] ?? 0) >> 2) & 15).toBe(5);
      expect(onlyExpected(w.errors)).toEqual([]);
      await w.page.close();
    });
  },
);
