/**
 * The web UI in a real browser (Debian chromium via playwright-core) against
 * a loopback stand-in of the daemon that answers the daemon's API shapes and
 * pushes /ws messages. Every off-loopback request is aborted, so map tiles
 * are unreachable throughout. Screenshots land in test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CHROMIUM, TestBrowser, type Watched } from "./helpers/browser.ts";
import { FakeDaemon } from "./helpers/fake-server.ts";
import { hashOf } from "./helpers/fixtures.ts";
import { prepareWeb } from "./setup.ts";

if (!HAVE_CHROMIUM) console.warn("[web] /usr/bin/chromium not found: browser tests skipped");

const PAGES: readonly [string, string, string][] = [
  ["overview", "#/", "Overview"],
  ["feed", "#/feed", "Live feed"],
  ["nodes", "#/nodes", "Nodes"],
  ["map", "#/map", "Map"],
  ["graph", "#/graph", "Neighbour graph"],
  ["channels", "#/channels/public", "Channels"],
  ["radio", "#/radio", "Radio"],
  ["about", "#/about", "About"],
];

// A real browser on a shared, busy machine: generous limits; nothing here
// asserts a duration.
describe.skipIf(!HAVE_CHROMIUM)("web UI in chromium", { timeout: 120_000 }, () => {
  let daemon: FakeDaemon;
  const browser = new TestBrowser();

  beforeAll(async () => {
    const webDir = await prepareWeb();
    daemon = new FakeDaemon({ webDir, nodes: 24, packets: 300, token: "tok-123" });
    await daemon.start();
    await browser.start();
  });

  afterAll(async () => {
    await browser.stop();
    await daemon?.stop();
  });

  async function open(hash: string): Promise<Watched> {
    const w = await browser.page();
    await w.page.goto(`${daemon.url}/${hash}`);
    await w.page.waitForSelector("[data-live=open]");
    return w;
  }

  function clean(w: Watched): void {
    expect(w.errors).toEqual([]);
    expect(w.dialogs).toEqual([]);
  }

  it("loads every page without console errors and screenshots it", async () => {
    const w = await open("#/");
    for (const [name, hash, title] of PAGES) {
      await w.page.goto(`${daemon.url}/${hash}`);
      await w.page.waitForSelector(`main h1:text-is("${title}")`);
      await w.page.waitForLoadState("networkidle");
      await browser.shot(w.page, name);
    }
    clean(w);
    await w.page.close();
  });

  it("renders on a phone in the dark theme", async () => {
    const w = await open("#/feed");
    await w.page.setViewportSize({ width: 390, height: 844 });
    await w.page.emulateMedia({ colorScheme: "dark" });
    await w.page.waitForSelector(".feed-row");
    const bg = await w.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(20, 21, 23)");
    await browser.shot(w.page, "feed-phone-dark");
    clean(w);
    await w.page.close();
  });

  it("live feed shows new packets from /ws, virtualised, and pause holds them back", async () => {
    const w = await open("#/feed");
    await w.page.waitForSelector(".feed-row");
    // 300 packets in the buffer, far fewer rows in the DOM.
    expect(await w.page.textContent("[data-testid=feed-count]")).toContain("300 of 300");
    expect(await w.page.locator(".feed-row").count()).toBeLessThan(80);
    const base = {
      raw: "0d04b891647ebb40ba70",
      radioId: "main",
      payloadType: "ACK",
      route: "FLOOD",
      snr: 1,
      rssi: -90,
      hashSize: 1,
      hops: [],
      firstSeen: true,
      error: null,
    };
    daemon.emitPacket({
      ...base,
      hash: hashOf(70001),
      receivedAt: new Date().toISOString(),
      summary: "live one",
    });
    await w.page.waitForSelector('.feed-row:has-text("live one")');
    await w.page.click("button:text('Pause')");
    daemon.emitPacket({
      ...base,
      hash: hashOf(70002),
      receivedAt: new Date().toISOString(),
      summary: "held back",
    });
    await w.page.waitForSelector("button:text('Resume (1 new)')");
    expect(await w.page.locator('.feed-row:has-text("held back")').count()).toBe(0);
    await w.page.click("button:text('Resume')");
    await w.page.waitForSelector('.feed-row:has-text("held back")');
    // Keyboard: arrows walk the rows, Enter opens one.
    await w.page.locator(".feed-row").first().focus();
    const firstId = await w.page.evaluate(() => document.activeElement?.getAttribute("data-id"));
    await w.page.keyboard.press("ArrowDown");
    const secondId = await w.page.evaluate(() => document.activeElement?.getAttribute("data-id"));
    expect(Number(secondId)).toBeLessThan(Number(firstId));
    await w.page.keyboard.press("ArrowUp");
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute("data-id"))).toBe(
      firstId,
    );
    await w.page.fill("input[type=search]", "held back");
    expect(await w.page.locator(".feed-row").count()).toBe(1);
    clean(w);
    await w.page.close();
  });

  it("opens a packet's detail with its byte breakdown and every observation", async () => {
    const w = await open("#/feed");
    // Packet 4 is the second hearing of packet 3's transmission (fixtures).
    const hash = daemon.packets.find((p) => p.id === 3)!.hash;
    await w.page.fill("input[type=search]", hash);
    await w.page.click(`.feed-row[data-id="3"]`);
    await w.page.waitForSelector("[data-testid=bytes]");
    expect(w.page.url()).toContain(`#/packets/${hash}`);
    expect(await w.page.locator("[data-testid=observations] tbody tr").count()).toBe(2);
    const legend = await w.page.textContent(".legend");
    expect(legend).toContain("header");
    expect(legend).toContain("path length");
    await browser.shot(w.page, "packet");
    clean(w);
    await w.page.close();
  });

  it("opens a node's detail from the node list", async () => {
    const w = await open("#/nodes");
    const first = w.page.locator("[data-testid=nodes] tbody tr a").first();
    const name = await first.textContent();
    await first.click();
    await w.page.waitForSelector("[data-testid=node-name]");
    expect(await w.page.textContent("[data-testid=node-name]")).toBe(name);
    await w.page.waitForSelector(".chart canvas");
    expect(await w.page.locator("main h2:text-is('SNR history')").count()).toBe(1);
    await browser.shot(w.page, "node");
    clean(w);
    await w.page.close();
  });

  it("draws the map from positions when tiles cannot load", async () => {
    const w = await open("#/map");
    const placed = daemon.nodes.filter((n) => n.lat !== null).length;
    await w.page.waitForSelector("[data-testid=tiles-off]");
    // One SVG circle per placed node (links are drawn as non-interactive lines).
    expect(await w.page.locator("[data-testid=map] path.leaflet-interactive").count()).toBe(placed);
    expect(w.offline.length).toBeGreaterThan(0);
    expect(w.offline.every((e) => e.includes("tile.openstreetmap.org"))).toBe(true);
    clean(w);
    await w.page.close();
  });

  it("renders the neighbour graph and clicks through to a node", async () => {
    const w = await open("#/graph");
    await w.page.waitForSelector("[data-testid=graph] circle");
    // Every node plus the one unresolved hop prefix; a tree's n-1 links plus that one.
    expect(await w.page.locator("[data-testid=graph] circle").count()).toBe(
      daemon.nodes.length + 1,
    );
    expect(await w.page.locator("[data-testid=graph] line").count()).toBe(daemon.nodes.length);
    expect(await w.page.locator("[data-testid=graph] .unresolved").count()).toBe(1);
    await w.page.locator("[data-testid=graph] a circle").first().click();
    await w.page.waitForSelector("[data-testid=node-name]");
    clean(w);
    await w.page.close();
  });

  it("sends a channel message with the user's token and refuses a wrong one", async () => {
    const w = await open("#/channels/%23test");
    await w.page.fill("input[type=password]", "wrong");
    await w.page.fill("input[placeholder^='Message']", "from the browser");
    await w.page.click("button:text('Send')");
    await w.page.waitForSelector("[data-testid=send-status]:text('The token was refused.')");
    expect(daemon.sent).toEqual([]);
    await w.page.fill("input[type=password]", "tok-123");
    await w.page.click("button:text('Send')");
    await w.page.waitForSelector("[data-testid=send-status]:text('Sent to the radio.')");
    expect(daemon.sent).toEqual([{ channel: "#test", text: "from the browser" }]);
    await w.page.waitForSelector("[data-testid=messages] :text('from the browser')");
    // The token is kept for next time.
    expect(await w.page.evaluate(() => localStorage.getItem("meshgate.token"))).toBe("tok-123");
    // 401 answers show as a console resource error in chromium; that one is expected.
    expect(w.errors.filter((e) => !e.includes("401"))).toEqual([]);
    expect(w.dialogs).toEqual([]);
    await w.page.close();
  });

  it("shows a hostile node name as text everywhere and runs nothing", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const key = "AB".repeat(32);
    daemon.emitAdvert({
      publicKey: key,
      name: evil,
      role: "repeater",
      status: "healthy",
      lat: 37.8,
      lon: -122.4,
      lastHeard: Date.now(),
      lastAdvert: Date.now(),
      advertCount: 1,
      fewestHops: 0,
    });
    daemon.messages.push({
      id: 99,
      hash: hashOf(99),
      channel: "public",
      sender: evil,
      text: "<script>alert(2)</script>",
      receivedAt: new Date().toISOString(),
      senderTimestamp: 0,
    });
    const w = await open("#/feed");
    await w.page.waitForSelector(`.feed-row:has-text("advert from ${evil}")`);
    for (const hash of ["#/nodes", `#/nodes/${key}`, "#/graph", "#/channels/public"]) {
      await w.page.goto(`${daemon.url}/${hash}`);
      await w.page.waitForSelector(`main :text("${evil}")`);
    }
    await w.page.goto(`${daemon.url}/#/map`);
    await w.page.waitForSelector("[data-testid=map] path.leaflet-interactive");
    // Open every marker's popup; the hostile one must show its name as text.
    const markers = w.page.locator("[data-testid=map] path.leaflet-interactive");
    for (let i = 0; i < (await markers.count()); i++) await markers.nth(i).dispatchEvent("click");
    expect(await w.page.locator(`.leaflet-popup-content :text("${evil}")`).count()).toBe(1);
    expect(await w.page.locator("img[src=x], script:not([src])").count()).toBe(0);
    await w.page.waitForTimeout(300);
    clean(w);
    await w.page.close();
  });

  it("marks the feed stale when /ws drops and recovers by itself", async () => {
    const w = await open("#/feed");
    daemon.dropClients();
    await w.page.waitForSelector(".live.stale");
    expect(await w.page.textContent(".live")).toContain("stale");
    await w.page.waitForSelector("[data-live=open]", { timeout: 10_000 });
    clean(w);
    await w.page.close();
  });

  it("shows index-build progress instead of errors, then fills in", async () => {
    daemon.building = true;
    const w = await open("#/nodes");
    await w.page.waitForSelector("[data-state=building]");
    expect(await w.page.textContent("[data-state=building]")).toContain("42%");
    await browser.shot(w.page, "building");
    daemon.building = false;
    await w.page.waitForSelector("[data-testid=nodes]", { timeout: 10_000 });
    // 503 answers show as console resource errors in chromium; nothing else may.
    expect(w.errors.filter((e) => !e.includes("503"))).toEqual([]);
    await w.page.close();
  });
});
