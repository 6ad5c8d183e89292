/**
 * Debian chromium driven by playwright-core, with a fresh profile per run.
 * Every request that is not for the loopback test server is aborted, so the
 * tests never touch the network (map tiles included: that is the
 * "tiles unreachable" case). Console errors, page errors and dialogs are
 * collected per page so tests can assert there were none.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type ConsoleMessage, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "../paths.ts";

export const CHROMIUM = process.env.MESHGATE_CHROMIUM ?? "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = join(REPO_ROOT, "test-output/screenshots");
/** The phone viewport the page tests hold every page to. */
export const PHONE = { width: 390, height: 800 } as const;

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Watched {
  readonly page: Page;
  /** Console errors, uncaught exceptions and CSP violations, as text. */
  readonly errors: string[];
  /** Messages of any alert/confirm/prompt the page opened. */
  readonly dialogs: string[];
  /** Failed loads of off-loopback resources (map tiles), kept apart from errors. */
  readonly offline: string[];
}

export class TestBrowser {
  private ctx: BrowserContext | null = null;
  private dir = "";

  async start(
    opts: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {},
  ): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "meshgate-chromium-"));
    this.ctx = await chromium.launchPersistentContext(this.dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
      colorScheme: opts.colorScheme ?? "light",
    });
    await this.ctx.route(
      (url) => url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
      (route) => route.abort("internetdisconnected"),
    );
  }

  async stop(): Promise<void> {
    await this.ctx?.close();
    this.ctx = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  async page(): Promise<Watched> {
    if (!this.ctx) throw new Error("browser not started");
    const page = await this.ctx.newPage();
    // Fail a step well inside the test's own limit, so the report names it.
    page.setDefaultTimeout(25_000);
    const errors: string[] = [];
    const dialogs: string[] = [];
    const offline: string[] = [];
    page.on("console", (m: ConsoleMessage) => {
      if (m.type() !== "error") return;
      const where = m.location().url;
      if (where && !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(where))
        offline.push(`${m.text()} @ ${where}`);
      else errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { page, errors, dialogs, offline };
  }

  /** A new watched page at `url`, once `selector` shows (within `timeout` ms, or the page default). */
  async open(url: string, selector = "main h1", timeout?: number): Promise<Watched> {
    const w = await this.page();
    await w.page.goto(url);
    await w.page.waitForSelector(selector, timeout === undefined ? {} : { timeout });
    return w;
  }

  /** A Chrome DevTools Protocol session for one page (memory metrics, GC). */
  cdp(page: Page) {
    if (!this.ctx) throw new Error("browser not started");
    return this.ctx.newCDPSession(page);
  }

  /** Save a screenshot of the viewport under test-output/screenshots/. */
  async shot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
  }
}
