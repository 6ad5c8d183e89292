/**
 * The web UI against the real daemon: meshgate runs as a child process with
 * its radio played by the simulated companion firmware over loopback TCP, in
 * chromium with every off-loopback request aborted. The simulator lives in
 * this process, so the test injects a hostile advert into the simulated mesh
 * and reads what the gateway transmitted after a send from the UI.
 */
import { expect, it } from "vitest";
import { HAVE_CHROMIUM } from "../support/web/browser.ts";
import { closeClean, openSettled, PAGES } from "../support/web/checks.ts";
import { describeWithDaemon } from "../support/web/session.ts";

if (!HAVE_CHROMIUM) console.warn("[web] /usr/bin/chromium not found: browser tests skipped");

describeWithDaemon("web UI against the real daemon", { timeoutMs: 180_000 }, (s) => {
  /** A page at `hash` once its live socket is open. */
  const open = (hash: string) => s.open(hash, "[data-live=open]", 60_000);

  it("loads every page without console errors", async () => {
    const w = await open("#/");
    for (const hash of PAGES) {
      await openSettled(w, s.daemon.url, hash);
      await s.browser.shot(w.page, `daemon-${hash.replace(/[#/%]/g, "") || "overview"}`);
    }
    await closeClean(w);
  });

  it("shows simulated traffic arriving live and opens a packet", async () => {
    const w = await open("#/feed");
    await w.page.waitForSelector(".feed-row", { timeout: 60_000 });
    const countOf = async () =>
      Number((await w.page.textContent("[data-testid=feed-count]"))?.split(" ")[0]);
    const before = await countOf();
    await w.page.waitForFunction(
      (n) =>
        Number(document.querySelector("[data-testid=feed-count]")?.textContent?.split(" ")[0]) > n,
      before,
      { timeout: 60_000 },
    );
    await w.page.locator(".feed-row a.summary").first().click();
    await w.page.waitForSelector("[data-testid=bytes]");
    expect(await w.page.locator("[data-testid=observations] tbody tr").count()).toBeGreaterThan(0);
    await closeClean(w);
  });

  it("shows a hostile advert name from the air as text and runs nothing", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    s.daemon.sim.injectAdvert({ name: evil, role: "room", lat: 37.78, lon: -122.41 });
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
    await w.page.goto(`${s.daemon.url}/#/feed`);
    await w.page.waitForSelector(".feed-row");
    expect(await w.page.locator("img[src=x]").count()).toBe(0);
    await closeClean(w);
  });

  it("sends a channel message from the UI that the simulated radio transmits", async () => {
    const w = await open("#/channels/%23test");
    const sentBefore = s.daemon.firmware.record().transmits.length;
    await w.page.fill("input[type=password]", s.daemon.token);
    await w.page.fill("input[placeholder^='Message']", "hello from the web UI");
    await w.page.click("button:text('Send')");
    await w.page.waitForSelector("[data-testid=send-status]", { timeout: 30_000 });
    expect(await w.page.textContent("[data-testid=send-status]")).toBe("Sent to the radio.");
    await expect
      .poll(() => s.daemon.firmware.record().transmits.length, { timeout: 30_000 })
      .toBeGreaterThan(sentBefore);
    // Header of what went on air: GRP_TXT (type 5) in bits 2-5.
    const raw = s.daemon.firmware.record().transmits.at(-1)!.raw;
    expect(((raw[0] ?? 0) >> 2) & 15).toBe(5);
    await closeClean(w);
  });
});
