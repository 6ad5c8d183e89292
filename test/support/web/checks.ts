/**
 * Checks the browser tests against the real daemon share: a page's width,
 * the errors that count, and the nodes page's SNRs against the very API
 * answer the page rendered.
 */
import { expect } from "vitest";
import type { NodeList, NodeSummary } from "../../../daemon/http/contract/index.ts";
import type { Watched } from "./browser.ts";

/** The app's top-level pages, by hash route: what the page-walking tests visit. */
export const PAGES = [
  "#/",
  "#/feed",
  "#/nodes",
  "#/map",
  "#/graph",
  "#/channels/%23test",
  "#/radio",
  "#/about",
] as const;

/** Console errors that count: a 503 is the index still building right after start (shown as such). */
export const onlyExpected = (errors: readonly string[]) =>
  errors.filter((e) => !/status of 503/.test(e));

/**
 * The end of a page's test: it logged no error that counts (`counting` picks
 * them) and opened no dialog; then it is closed.
 */
export async function closeClean(w: Watched, counting = onlyExpected): Promise<void> {
  expect(counting(w.errors)).toEqual([]);
  expect(w.dialogs).toEqual([]);
  await w.page.close();
}

/** GET a JSON answer from the daemon. */
export async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Open `hash` and wait until the page has rendered and its requests settled. */
export async function openSettled(w: Watched, url: string, hash: string): Promise<void> {
  await w.page.goto(`${url}/${hash}`);
  await w.page.waitForSelector("main h1");
  await w.page.waitForLoadState("networkidle");
}

/** The page scrolls no wider than its viewport. */
export async function expectNoSidewaysScroll(w: Watched, what: string): Promise<void> {
  const wide = await w.page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(wide.scroll, what).toBeLessThanOrEqual(wide.client);
}

/**
 * Open the nodes page and compare the first heard nodes' SNR cells with the
 * answer the page rendered (SNR moves with every hearing); returns the heard nodes.
 */
export async function expectNodeSnrs(w: Watched, url: string): Promise<NodeSummary[]> {
  const answer = w.page.waitForResponse((r) => r.url().includes("/api/nodes?"));
  await w.page.goto(`${url}/#/nodes`);
  const list = ((await (await answer).json()) as NodeList).items;
  await w.page.waitForSelector("[data-testid=nodes] tbody tr");
  const heard = list.filter((n) => n.snr !== null);
  expect(heard.length).toBeGreaterThan(2);
  for (const n of heard.slice(0, 5))
    expect(await w.page.textContent(`tr[data-key="${n.publicKey}"] [data-testid=snr]`)).toBe(
      n.snr!.recent.toFixed(1),
    );
  return heard;
}

/** Wait (bounded) until the simulated mesh is known: several nodes heard directly. */
export async function waitForHeardNodes(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = await fetch(`${url}/api/nodes`).catch(() => null);
    const items = r?.ok ? ((await r.json()) as NodeList).items : [];
    if (items.filter((n) => n.snr).length > 2) return;
    await new Promise((res) => setTimeout(res, 2000));
  }
}
