/**
 * Every page on a phone (390 px, and 360 px for width), against the real
 * daemon fed by the simulated mesh: each value a page shows is compared with
 * what the API answers for the same thing at that moment. Also: no page
 * scrolls sideways, no console errors, and the accessibility basics (every
 * control named, rows and map markers reachable by keyboard, text contrast).
 */
import { expect, it } from "vitest";
import type {
  Health,
  NodeDetail,
  NodeList,
  PacketDetail,
  TransmissionList,
} from "../../daemon/http/contract/index.ts";
import { PHONE } from "../support/web/browser.ts";
import {
  closeClean,
  expectNodeSnrs,
  expectNoSidewaysScroll,
  openSettled,
  PAGES,
  waitForHeardNodes,
} from "../support/web/checks.ts";
import { describeWithDaemon } from "../support/web/session.ts";

const dateTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

describeWithDaemon(
  "pages on a phone against the real daemon",
  { timeoutMs: 240_000, viewport: PHONE, ready: (d) => waitForHeardNodes(d.url, 120_000) },
  (s) => {
    const { api, browser, open } = s;

    it("no page is wider than a 390 or 360 px phone, and none logs an error", async () => {
      const w = await open("#/");
      for (const width of [390, 360]) {
        await w.page.setViewportSize({ width, height: 800 });
        for (const hash of PAGES) {
          await openSettled(w, s.daemon.url, hash);
          await expectNoSidewaysScroll(w, `${hash} at ${width}px`);
          if (width === 390)
            await browser.shot(w.page, `phone-${hash.replace(/[#/%]/g, "") || "overview"}`);
        }
      }
      await closeClean(w);
    });

    it("the header names the gateway as /api/health does", async () => {
      const h = await api<Health>("/api/health");
      expect(h.gateway.name).not.toBeNull();
      const w = await open("#/");
      await w.page.waitForSelector("[data-testid=header-gateway]");
      expect(await w.page.textContent("[data-testid=header-gateway]")).toContain(h.gateway.name);
      expect(await w.page.textContent("[data-testid=gateway-name]")).toBe(h.gateway.name);
      await w.page.close();
    });

    it("nodes: each SNR is the API's, and sorting by SNR puts the best first", async () => {
      const w = await browser.page();
      const heard = await expectNodeSnrs(w, s.daemon.url);
      await w.page.click("th button:text('SNR')");
      const shown = await w.page.$$eval("[data-testid=nodes] tbody [data-testid=snr]", (tds) =>
        tds.map((td) => td.textContent ?? ""),
      );
      const values = shown.filter((t) => t !== "–").map(Number);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(values[0]).toBe(Math.max(...heard.map((n) => Number(n.snr!.recent.toFixed(1)))));
      await w.page.close();
    });

    it("node page: first heard, its own adverts and neighbours by name, as the API says", async () => {
      const list = (await api<NodeList>("/api/nodes")).items;
      const n = list.find((x) => x.advertCount > 0 && x.firstHeard !== null && !x.gateway)!;
      const d = await api<NodeDetail>(`/api/nodes/${n.publicKey}`);
      // Only its own adverts, one per transmission (not ones it relayed).
      expect(d.adverts.length).toBeGreaterThan(0);
      expect(new Set(d.adverts.map((a) => a.hash)).size).toBe(d.adverts.length);
      for (const a of d.adverts.slice(0, 5)) {
        const p = await api<PacketDetail>(`/api/packets/${a.hash}`);
        expect((p.decoded as { publicKey?: string }).publicKey?.toUpperCase()).toBe(n.publicKey);
      }
      const w = await open(`#/nodes/${n.publicKey}`);
      await w.page.waitForSelector("[data-testid=first-heard]");
      expect(await w.page.textContent("[data-testid=first-heard]")).toBe(dateTime(d.firstHeard!));
      expect(await w.page.locator("[data-testid=adverts] li").count()).toBe(
        Math.min(50, d.adverts.length),
      );
      const named = d.neighbours.filter((x) => x.name !== null);
      for (const nb of named.slice(0, 5)) {
        expect(
          await w.page
            .locator(`[data-testid=neighbours] a[href="#/nodes/${nb.publicKey}"]`)
            .textContent(),
        ).toBe(nb.name);
      }
      await closeClean(w);
    });

    it("feed and packet page: one row per transmission, heard count and hop names from the API", async () => {
      // A relayed packet whose first hop the model resolved to a named node.
      let hash = "";
      let hop = "";
      await expect
        .poll(
          async () => {
            // The feed shows the path of the hearing with the fewest hops, as group=1 does.
            const items = (await api<TransmissionList>("/api/packets?group=1&limit=100")).items;
            const p = items.find((x) => x.path.resolved.some((h) => h.name !== null));
            hash = p?.hash ?? "";
            hop = p?.path.resolved.find((h) => h.name !== null)?.name ?? "";
            return hash;
          },
          { timeout: 90_000, interval: 3000 },
        )
        .not.toBe("");
      const w = await open("#/feed");
      const row = w.page.locator(`li[data-hash="${hash}"]`);
      await row.waitFor();
      expect(await w.page.locator(`li[data-hash="${hash}"]`).count()).toBe(1);
      const d = await api<PacketDetail>(`/api/packets/${hash}`);
      await expect
        .poll(async () => (await row.locator("[data-testid=heard]").textContent())?.trim())
        .toBe(`heard ${(await api<PacketDetail>(`/api/packets/${hash}`)).observationCount}×`);
      expect(await row.locator(".via").textContent()).toContain(hop);
      // Opening the row lists each hearing.
      await row.locator("button.toggle").click();
      expect(await row.locator("table.obs tbody tr").count()).toBeGreaterThan(0);
      await w.page.goto(`${s.daemon.url}/#/packets/${hash}`);
      await w.page.waitForSelector("[data-testid=packet-facts]");
      const names = await w.page.$$eval("[data-testid=packet-facts] [data-testid=path] li", (lis) =>
        lis.map((li) => li.textContent ?? ""),
      );
      expect(names).toEqual(
        d.path.resolved.map((h) => (h.publicKey ? (h.name ?? h.publicKey.slice(0, 8)) : h.prefix)),
      );
      expect(await w.page.textContent("main")).not.toContain("null");
      await closeClean(w);
    });

    it("chat reads oldest first, each message with its hearings", async () => {
      // The seeded mesh chats on several channels; take the first with two
      // messages stored (which one depends on how fast the machine runs it).
      let channel = "";
      await expect
        .poll(
          async () => {
            const list = await api<{ items: { channel: string; recentMessages: number }[] }>(
              "/api/channels",
            );
            channel = list.items.find((c) => c.recentMessages > 1)?.channel ?? "";
            return channel;
          },
          { timeout: 120_000, interval: 3000 },
        )
        .not.toBe("");
      const q = encodeURIComponent(channel);
      const w = await open(`#/channels/${q}`);
      const msgs = (
        await api<{ items: { id: number; text: string; heard: number }[] }>(
          `/api/channels/messages?channel=${q}&limit=200`,
        )
      ).items;
      expect(msgs.length).toBeGreaterThan(1);
      const oldest = [...msgs]
        .reverse()
        .map((m) => m.text)
        .slice(0, 3);
      // The list refetches (briefly empty) when a new channel packet arrives
      // on /ws, and newer messages may follow: compare the oldest until stable.
      await expect
        .poll(
          () =>
            w.page
              .$$eval("[data-testid=messages] li .text", (xs) => xs.map((x) => x.textContent ?? ""))
              .then((shown) => shown.slice(0, 3)),
          { timeout: 30_000, interval: 500 },
        )
        .toEqual(oldest);
      expect(msgs.every((m) => m.heard >= 1)).toBe(true);
      expect(await w.page.textContent("[data-testid=messages] li .meta")).toMatch(/heard \d+×/);
      await w.page.close();
    });

    it("accessibility: controls named, rows and markers reachable by keyboard, text contrast", async () => {
      const w = await open("#/nodes");
      await w.page.waitForSelector("[data-testid=nodes] tbody tr");
      for (const hash of ["#/nodes", "#/feed", "#/channels/%23test", "#/map"]) {
        await w.page.goto(`${s.daemon.url}/${hash}`);
        await w.page.waitForSelector("main h1");
        await w.page.waitForLoadState("networkidle");
        const unnamed = await w.page.$$eval("input, select, button", (els) =>
          els
            .filter((el) => {
              const e = el as HTMLInputElement;
              const label = e.labels && e.labels.length > 0;
              return !label && !e.getAttribute("aria-label") && !(e.textContent ?? "").trim();
            })
            .map((el) => el.outerHTML.slice(0, 80)),
        );
        expect(unnamed, hash).toEqual([]);
        const low = await w.page.evaluate(lowContrast);
        expect(low, hash).toEqual([]);
      }
      // Each node row holds a link (Tab reaches it, Enter opens it).
      await w.page.goto(`${s.daemon.url}/#/nodes`);
      await w.page.waitForSelector("[data-testid=nodes] tbody tr");
      const rows = await w.page.locator("[data-testid=nodes] tbody tr").count();
      expect(await w.page.locator("[data-testid=nodes] tbody tr a[href]").count()).toBe(rows);
      await w.page.goto(`${s.daemon.url}/#/map`);
      await w.page.waitForSelector(".leaflet-marker-icon");
      const markers = await w.page.$$eval(".leaflet-marker-icon", (ms) =>
        ms.map((m) => m.getAttribute("tabindex")),
      );
      expect(markers.length).toBeGreaterThan(2);
      expect(markers.every((t) => t === "0")).toBe(true);
      // The gateway is marked on the map whenever the API places it.
      const placedGateways = (await api<NodeList>("/api/nodes")).items.filter(
        (n) => n.gateway && n.lat !== null && n.lon !== null,
      ).length;
      expect(await w.page.locator(".pin.gw").count()).toBe(placedGateways);
      await w.page.close();
    });
  },
);

/** Text elements whose colour on their background is below WCAG AA (4.5:1, 3:1 for large). */
function lowContrast(): string[] {
  const lum = (c: number[]) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
  const bg = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c[3] ?? 1) > 0.5) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out: string[] = [];
  for (const el of document.querySelectorAll("main *, header *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? "").trim());
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === "hidden" || st.display === "none") continue;
    if (el.closest(".leaflet-container")) continue; // map labels sit on tiles or the plain background
    const a = lum(rgb(st.color).slice(0, 3));
    const b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large =
      Number.parseFloat(st.fontSize) >= 18.66 ||
      (Number.parseFloat(st.fontSize) >= 14 && Number(st.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5))
      out.push(
        `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? "").slice(0, 30)}" ${ratio.toFixed(2)}`,
      );
  }
  return out.slice(0, 10);
}
