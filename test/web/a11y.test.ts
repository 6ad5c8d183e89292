/**
 * Every page, including a node, a packet and a search, run through axe-core
 * (WCAG 2 A and AA rules: names and labels, contrast, roles, keyboard) at 390
 * and 360 px against the real daemon with the simulated mesh; no page scrolls
 * sideways and none logs an error. The map: the gateway's own marker, node
 * labels, and a packet's path drawn on the packet page's map.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, it } from "vitest";
import type { NodeList, PacketDetail, TransmissionList } from "../../daemon/http/contract/index.ts";
import { PHONE, type Watched } from "../support/web/browser.ts";
import {
  closeClean,
  expectNoSidewaysScroll,
  getJson,
  openSettled,
  PAGES,
} from "../support/web/checks.ts";
import type { RealDaemon } from "../support/web/daemon.ts";
import { describeWithDaemon } from "../support/web/session.ts";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly string[];
}

/** Run axe in the page (injected through evaluate, which the page's CSP does not block). */
async function axe(w: Watched): Promise<Violation[]> {
  await w.page.evaluate(AXE);
  return w.page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe
      .run;
    const r = (await run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    })) as {
      violations: { id: string; impact: string | null; nodes: { html: string }[] }[];
    };
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)),
    }));
  });
}

/** A relayed transmission whose path holds two or more placed nodes (found before the tests run). */
let routed: PacketDetail | null = null;

/**
 * Wait (bounded) for a relayed packet whose drawn path (an advert's sender,
 * then its hops) passes two or more placed nodes.
 */
async function findRouted(daemon: RealDaemon): Promise<void> {
  const api = <T>(path: string) => getJson<T>(`${daemon.url}${path}`);
  const until = Date.now() + 200_000;
  while (routed === null && Date.now() < until) {
    const nodes = (await api<NodeList>("/api/nodes").catch(() => null))?.items ?? [];
    const placed = new Set(nodes.filter((n) => n.lat !== null).map((n) => n.publicKey));
    const items =
      (await api<TransmissionList>("/api/packets?group=1&limit=200").catch(() => null))?.items ??
      [];
    const candidates = items.filter((x) =>
      x.path.resolved.some((h) => h.publicKey && placed.has(h.publicKey)),
    );
    for (const c of candidates.slice(0, 8)) {
      const d = await api<PacketDetail>(`/api/packets/${c.hash}`);
      if (pathKeys(d).filter((k) => placed.has(k)).length >= 2) {
        routed = d;
        break;
      }
    }
    if (routed === null) await new Promise((r) => setTimeout(r, 3000));
  }
  if (routed === null) throw new Error("no relayed packet through two placed nodes in 200 s");
}

describeWithDaemon(
  "accessibility and the map against the real daemon",
  { timeoutMs: 360_000, viewport: PHONE, ready: findRouted },
  (s) => {
    const { api, browser } = s;

    it("every page passes axe at 390 and 360 px, never scrolls sideways, logs no error", async () => {
      const nodes = (await api<NodeList>("/api/nodes")).items;
      const node = nodes.find((n) => !n.gateway && n.name !== null)!;
      const pages = [
        ...PAGES,
        "#/setup",
        `#/nodes/${node.publicKey}`,
        `#/packets/${routed!.hash}`,
        `#/search/${encodeURIComponent(node.publicKey.slice(0, 6))}`,
      ];
      const w = await browser.page();
      const found: Record<string, Violation[]> = {};
      for (const width of [390, 360]) {
        await w.page.setViewportSize({ width, height: 800 });
        for (const hash of pages) {
          await openSettled(w, s.daemon.url, hash);
          await expectNoSidewaysScroll(w, `${hash} at ${width}px`);
          const v = await axe(w);
          if (v.length > 0) found[`${hash} @${width}`] = v;
        }
      }
      expect(found).toEqual({});
      await closeClean(w);
    });

    it("map: the gateway's own marker and every node's label, each marker reachable by Tab", async () => {
      const placed = (await api<NodeList>("/api/nodes")).items.filter(
        (n) => n.lat !== null && n.lon !== null,
      );
      const w = await browser.page();
      await w.page.goto(`${s.daemon.url}/#/map`);
      await w.page.waitForSelector(".leaflet-marker-icon");
      const gw = placed.filter((n) => n.gateway);
      expect(gw.length).toBe(1);
      expect(await w.page.locator(".pin.gw").count()).toBe(1);
      expect(await w.page.getAttribute(".leaflet-marker-icon:has(.pin.gw)", "title")).toContain(
        "this gateway",
      );
      const labels = await w.page.$$eval(".pin > span", (ss) => ss.map((s) => s.textContent));
      for (const n of placed.filter((x) => x.name !== null)) expect(labels).toContain(n.name);
      // Tab from the map's first marker lands on the next marker, and Enter opens its popup.
      await w.page.focus(".leaflet-marker-icon");
      await w.page.keyboard.press("Enter");
      await w.page.waitForSelector(".leaflet-popup a[href^='#/nodes/']");
      await closeClean(w);
    });

    it("packet page: its map draws the path through the nodes the API resolved", async () => {
      const w = await browser.page();
      // Compare with the very answers the page drew from (a path can change with a new hearing).
      const detail = w.page.waitForResponse((r) =>
        r.url().endsWith(`/api/packets/${routed!.hash}`),
      );
      const nodes = w.page.waitForResponse((r) => /\/api\/nodes(\?|$)/.test(r.url()));
      await w.page.goto(`${s.daemon.url}/#/packets/${routed!.hash}`);
      const p = (await (await detail).json()) as PacketDetail;
      const placed = new Set(
        ((await (await nodes).json()) as NodeList).items
          .filter((n) => n.lat !== null && n.lon !== null)
          .map((n) => n.publicKey),
      );
      const line = w.page.locator("[data-testid=map] path.packet-path");
      await line.waitFor();
      expect(await line.count()).toBe(1);
      // One vertex per placed node along the path (Leaflet's SVG "M x y L x y ...").
      const d = (await line.getAttribute("d")) ?? "";
      const vertices = (d.match(/[ML]/g) ?? []).length;
      expect(vertices).toBe(pathKeys(p).filter((k) => placed.has(k)).length);
      expect(vertices).toBeGreaterThanOrEqual(2);
      await closeClean(w);
    });
  },
);

/** The keys the packet page draws: an advert's own sender first, then each resolved hop. */
function pathKeys(p: PacketDetail): string[] {
  const hops = p.path.resolved.map((h) => h.publicKey).filter((k) => k !== null);
  const from = (p.decoded as { publicKey?: unknown } | null)?.publicKey;
  return typeof from === "string" ? [from.toUpperCase(), ...hops] : hops;
}
