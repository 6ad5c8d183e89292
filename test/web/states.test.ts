/**
 * States the simulated daemon does not easily reach, in chromium against the
 * real HTTP layer (routes, contract, /ws hub) over a store stand-in and the
 * real mesh model: the mesh index still building, the live socket dropping,
 * and hostile names from the air on every page (shown as text, never run).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolDecoder } from "../../daemon/http/adapters.ts";
import { makeMessages, makeNodes, makeRows } from "../support/http/fixtures.ts";
import { RADIO_KEY, radioStatus, radios, realMesh } from "../support/http/providers.ts";
import { startServer, type TestServer } from "../support/http/server.ts";
import { HAVE_CHROMIUM, PHONE, TestBrowser } from "../support/web/browser.ts";
import { closeClean } from "../support/web/checks.ts";
import { prepareWeb } from "../support/web/setup.ts";

const EVIL = "<img src=x onerror=alert(1)>";
const onlyExpected = (errors: readonly string[]) =>
  errors.filter((e) => !/status of 503|ERR_CONNECTION_REFUSED|WebSocket/.test(e));

describe.skipIf(!HAVE_CHROMIUM)("UI states on the real HTTP layer", { timeout: 120_000 }, () => {
  let t: TestServer;
  let webDir: string;
  let built: Awaited<ReturnType<typeof realMesh>>;
  const nodes = makeNodes(8).map((n, i) => ({ ...n, role: 2, name: i === 3 ? EVIL : n.name }));
  const evilKey = nodes[3]!.publicKey;
  const browser = new TestBrowser();

  async function serve(port = 0): Promise<TestServer> {
    const s = await startServer("node", {
      staticDir: webDir,
      config: { port },
      providers: {
        mesh: built.mesh,
        radios: radios({ ...radioStatus("r1"), publicKey: RADIO_KEY }),
        decode: protocolDecoder({ channels: [] }),
      },
    });
    for (const n of nodes) s.store.nodes.set(n.publicKey, n);
    for (const r of makeRows(40, 3, nodes)) s.store.addRow(r);
    s.store.messages = makeMessages(4).map((m, i) =>
      i === 1 ? { ...m, channel: "#test", sender: EVIL, text: "<script>alert(2)</script>" } : m,
    );
    return s;
  }

  beforeAll(async () => {
    webDir = await prepareWeb();
    built = await realMesh(nodes, Date.now());
    t = await serve();
    await browser.start(PHONE);
  });
  afterAll(async () => {
    await browser.stop();
    await t?.close();
  });

  const open = (hash: string) => browser.open(`${t.base}/${hash}`);

  it("shows index-build progress instead of errors, then fills in", async () => {
    built.state.building = true;
    const w = await open("#/nodes");
    await w.page.waitForSelector("[data-state=building]");
    expect(await w.page.textContent("[data-state=building]")).toContain("25%");
    built.state.building = false;
    await w.page.waitForSelector("[data-testid=nodes] tbody tr", { timeout: 30_000 });
    await closeClean(w, onlyExpected);
  });

  it("shows a hostile name from the air as text on every page and runs nothing", async () => {
    const w = await open("#/nodes");
    for (const hash of [
      "#/nodes",
      `#/nodes/${evilKey}`,
      `#/nodes/${nodes[2]!.publicKey}`,
      "#/graph",
      `#/search/${encodeURIComponent("<img")}`,
    ]) {
      await w.page.goto(`${t.base}/${hash}`);
      await w.page.waitForSelector(`main :text("${EVIL.slice(0, 20)}")`);
    }
    await w.page.goto(`${t.base}/#/channels/%23test`);
    await w.page.waitForSelector(`[data-testid=messages] :text("${EVIL.slice(0, 20)}")`);
    expect(await w.page.textContent("[data-testid=messages]")).toContain(
      "<script>alert(2)</script>",
    );
    await w.page.goto(`${t.base}/#/map`);
    await w.page.waitForSelector(".leaflet-marker-icon");
    expect(await w.page.locator(`.leaflet-marker-icon[title^="${EVIL}"]`).count()).toBe(1);
    expect(await w.page.locator(`.pin span:text("${EVIL}")`).count()).toBe(1);
    expect(await w.page.locator("img[src=x], main script").count()).toBe(0);
    await closeClean(w, onlyExpected);
  });

  it("marks the page stale when /ws drops and reconnects by itself", async () => {
    const w = await open("#/feed");
    await w.page.waitForSelector("[data-live=open]");
    const port = t.port;
    await t.close();
    await w.page.waitForSelector(".live.stale", { timeout: 20_000 });
    t = await serve(port);
    await w.page.waitForSelector("[data-live=open]", { timeout: 60_000 });
    await w.page.close();
  });
});
