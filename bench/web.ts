/**
 * Web UI numbers: first-load bytes (raw and gzip), time to first render of
 * the live feed, and page memory with 5,000 packets in the feed. Runs the
 * built UI (dist/web) in Debian chromium against the test suite's loopback
 * stand-in daemon. Prints a markdown table.
 *
 *   node --import tsx bench/web.ts
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { ObservedPacket } from "../daemon/http/contract/index.ts";
import { HAVE_CHROMIUM, TestBrowser } from "../test/support/web/browser.ts";
import { FakeDaemon } from "../test/support/web/fake-server.ts";
import { hashOf } from "../test/support/web/fixtures.ts";
import { prepareWeb } from "../test/support/web/setup.ts";

const RUNS = 5;
const FEED = 5000;

function firstLoad(dir: string): { raw: number; gzip: number; files: string[] } {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1]!,
  );
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
  }
  return { raw, gzip, files };
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const webDir = await prepareWeb();
  const load = firstLoad(webDir);
  const rows: [string, string][] = [
    ["first load, JS + CSS raw", `${kb(load.raw)} (${load.raw} B)`],
    ["first load, JS + CSS gzip -9", `${kb(load.gzip)} (${load.gzip} B)`],
  ];
  if (!HAVE_CHROMIUM) {
    rows.push(["browser numbers", "skipped: /usr/bin/chromium not found"]);
    print(rows);
    return;
  }
  const daemon = new FakeDaemon({ webDir, nodes: 100, packets: 500 });
  await daemon.start();
  const browser = new TestBrowser();
  await browser.start();
  try {
    // Time to first render: navigation start to the first feed row in the DOM.
    const times: number[] = [];
    const dcl: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const w = await browser.page();
      await w.page.goto(`${daemon.url}/#/feed`);
      await w.page.waitForSelector(".feed-row", { timeout: 60_000 });
      times.push(await w.page.evaluate(() => performance.now()));
      const nav = await w.page.evaluate(() => {
        const e = performance.getEntriesByType("navigation")[0] as
          | PerformanceNavigationTiming
          | undefined;
        return e ? e.domContentLoadedEventEnd : Number.NaN;
      });
      dcl.push(nav);
      await w.page.close();
    }
    rows.push([`DOMContentLoaded (median of ${RUNS})`, `${median(dcl).toFixed(0)} ms`]);
    rows.push([`time to first feed render (median of ${RUNS})`, `${median(times).toFixed(0)} ms`]);

    // Memory: the feed holding FEED packets (500 backlog + the rest over /ws).
    const w = await browser.page();
    await w.page.goto(`${daemon.url}/#/feed`);
    await w.page.waitForSelector("[data-live=open]", { timeout: 60_000 });
    const cdp = await browser.cdp(w.page);
    await cdp.send("Performance.enable");
    const base: Omit<ObservedPacket, "id"> = daemon.packets[0]!;
    for (let i = 0; i < FEED - 500; i++) {
      daemon.emitPacket({
        ...base,
        hash: hashOf(200_000 + i),
        receivedAt: new Date().toISOString(),
        summary: `bench ${i}`,
      });
    }
    await w.page.waitForFunction(
      (n) =>
        document
          .querySelector("[data-testid=feed-count]")
          ?.textContent?.includes(`(${n} hearings)`),
      FEED,
      { timeout: 120_000 },
    );
    await cdp.send("HeapProfiler.collectGarbage");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? Number.NaN;
    const perfMem = await w.page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? null,
    );
    const rowsInDom = await w.page.locator(".feed-row").count();
    rows.push([`JS heap used, ${FEED} packets in feed (CDP, after GC)`, mb(m("JSHeapUsedSize"))]);
    if (perfMem !== null) rows.push(["performance.memory.usedJSHeapSize", mb(perfMem)]);
    rows.push(["DOM nodes in page", String(m("Nodes"))]);
    rows.push(["feed rows in DOM (150 newest transmissions rendered)", String(rowsInDom)]);
    await w.page.close();
  } finally {
    await browser.stop();
    await daemon.stop();
  }
  print(rows);
}

function print(rows: readonly [string, string][]): void {
  // Timings depend on the machine and what else runs on it; say what it was.
  const load = loadavg()[0]?.toFixed(1) ?? "?";
  console.log(`web UI bench: ${cpus().length} CPUs, load average ${load}, chromium headless\n`);
  console.log("| web UI | value |");
  console.log("|---|---|");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

await main();
