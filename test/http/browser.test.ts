/**
 * The security headers in a real browser (Debian chromium): the UI's own
 * script and its /ws connection work under the CSP, an inline script does
 * not run, and https map tiles are allowed. Off-loopback requests are
 * aborted, so nothing leaves the machine.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PacketItem } from "../../daemon/core/types.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";

const CHROMIUM = process.env.MESHGATE_CHROMIUM ?? "/usr/bin/chromium";

const APP_JS = `
const out = document.getElementById("out");
const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
ws.onopen = () => ws.send(JSON.stringify({ type: "subscribe", topics: ["packet"] }));
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.type === "subscribed") out.dataset.subscribed = "1";
  if (m.type === "packet") out.dataset.got = m.data.hash;
};
fetch("/api/health").then((r) => r.json()).then((h) => { out.dataset.health = h.status; });
`;

const INDEX = `<!doctype html><meta charset=utf-8><title>t</title>
<div id=out></div>
<img id=tile src="https://tile.example.org/1/1/1.png">
<script>window.inlineRan = true;</script>
<script type=module src="/assets/app-ABCDEFGH.js"></script>`;

function uiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mg-ui-csp-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "app-ABCDEFGH.js"), APP_JS);
  return dir;
}

describe.skipIf(!existsSync(CHROMIUM)).each(ENGINES)(
  "the UI under the CSP in chromium (%s)",
  (engine) => {
    let t: TestServer;
    let browser: Browser;
    beforeAll(async () => {
      t = await startServer(engine, { staticDir: uiDir() });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it("runs the bundled script and /ws, blocks inline script, allows https tiles", async () => {
      const page = await browser.newPage();
      const tileRequests: string[] = [];
      await page.route(
        (url) => url.hostname !== "127.0.0.1",
        (route) => {
          tileRequests.push(route.request().url());
          return route.abort("internetdisconnected");
        },
      );
      const violations: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" && /Content Security Policy/i.test(m.text()))
          violations.push(m.text());
      });
      await page.goto(`${t.base}/some/client/route`);
      await page.waitForSelector("#out[data-subscribed='1']", {
        state: "attached",
        timeout: 10_000,
      });
      const item: PacketItem = {
        id: 1,
        hash: "feedc0de00112233",
        raw: "0d00",
        receivedAt: new Date().toISOString(),
        radioId: "r1",
        payloadType: "ACK",
        route: "FLOOD",
        snr: null,
        rssi: null,
        hashSize: 1,
        hops: [],
        firstSeen: true,
        summary: "ack",
        error: null,
      };
      t.bus.emit("packet", item);
      await page.waitForSelector("#out[data-got='feedc0de00112233']", {
        state: "attached",
        timeout: 10_000,
      });
      expect(await page.getAttribute("#out", "data-health")).toBe("ok");
      expect(
        await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
      ).toBeUndefined();
      // The only CSP complaint is the inline script; the tile was requested (then cut off by the test).
      expect(violations.length).toBe(1);
      expect(violations[0]).toMatch(/inline script/i);
      expect(tileRequests).toContain("https://tile.example.org/1/1/1.png");
      await page.close();
    });
  },
);
