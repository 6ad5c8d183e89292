/**
 * Safe by default, on both engines: read-only without a token, bearer auth
 * with a per-IP failure limit, static files locked in their folder, CORS and
 * cross-site WebSockets only when configured.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { FakeActions } from "../support/http/providers.ts";
import {
  ENGINES,
  postJson,
  rawRequest,
  rawSocket,
  startServer,
  type TestServer,
} from "../support/http/server.ts";

const TOKEN = "correct-horse-battery-staple";
/** The header that carries TOKEN. */
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SECRET = "TOP-SECRET-OUTSIDE-THE-UI";

/** A UI folder with a secret file beside it and a symlink pointing out. */
function uiWithSecretOutside(): string {
  const parent = mkdtempSync(join(tmpdir(), "mg-sec-"));
  const ui = join(parent, "web");
  mkdirSync(join(ui, "assets"), { recursive: true });
  writeFileSync(join(ui, "index.html"), "<!doctype html><title>ui</title>");
  writeFileSync(join(parent, "secret.txt"), SECRET);
  symlinkSync(join(parent, "secret.txt"), join(ui, "assets", "link.txt"));
  return ui;
}

describe.each(ENGINES)("security on %s", (engine) => {
  describe("without a token", () => {
    let t: TestServer;
    const actions = new FakeActions();
    beforeAll(async () => {
      t = await startServer(engine, { staticDir: uiWithSecretOutside(), providers: { actions } });
    });
    afterAll(() => t.close());

    it("answers 403 to every action and says actions are disabled", async () => {
      for (const path of [
        "/api/actions/advert",
        "/api/actions/channel-message",
        "/api/actions/radio-params",
      ]) {
        const res = await postJson(t.base, path, { flood: true }, AUTH);
        expect(res.status, path).toBe(403);
        expect(((await res.json()) as { error: string }).error).toMatch(/actions are disabled/);
      }
      expect(actions.calls).toEqual([]);
    });

    const attempts = [
      "/../secret.txt",
      "/../../../../etc/passwd",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/%00/secret.txt",
      "//etc/passwd",
      "/assets/link.txt",
      "/%252e%252e/secret.txt",
    ];
    it.each(attempts)("never serves a file outside the UI folder: %s", async (path) => {
      const res = await rawRequest(t.port, "GET", path);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain("root:x:0:0");
      expect([200, 400, 404]).toContain(res.status);
    });

    it("keeps absolute-form request targets inside the UI folder", async () => {
      for (const target of [
        "http://127.0.0.1/../secret.txt",
        "http://127.0.0.1/etc/passwd",
        "/etc/passwd",
      ]) {
        const res = await rawSocket(
          t.port,
          `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        expect(res, target).not.toContain(SECRET);
        expect(res, target).not.toContain("root:x:0:0");
      }
    });

    it("refuses '..' outright with 400 (plain and percent-encoded)", async () => {
      for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2fsecret.txt"]) {
        const res = await rawSocket(
          t.port,
          `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        expect(res, path).toMatch(/^HTTP\/1\.1 400/);
      }
    });

    it("rejects a cross-site page opening /ws, accepts same-host and origin-less clients", async () => {
      const open = (origin?: string) =>
        new Promise<"open" | "rejected">((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${t.port}/ws`, origin ? { origin } : {});
          ws.on("open", () => {
            ws.close();
            resolve("open");
          });
          ws.on("unexpected-response", () => resolve("rejected"));
          ws.on("error", () => resolve("rejected"));
        });
      expect(await open("http://evil.example")).toBe("rejected");
      expect(await open(`http://127.0.0.1:${t.port}`)).toBe("open");
      expect(await open()).toBe("open");
    });

    it("does not answer preflights with CORS headers", async () => {
      const res = await fetch(`${t.base}/api/health`, {
        method: "OPTIONS",
        headers: { origin: "http://ha.local", "access-control-request-method": "GET" },
      });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("with a token", () => {
    let t: TestServer;
    const actions = new FakeActions();
    beforeAll(async () => {
      t = await startServer(engine, {
        config: { token: TOKEN, cors: ["http://ha.local"] },
        providers: { actions },
      });
    });
    afterAll(() => t.close());

    it("runs an action with the right bearer token and passes validated input", async () => {
      const res = await postJson(
        t.base,
        "/api/actions/channel-message",
        { channel: "#test", text: "hi there" },
        AUTH,
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, detail: { queued: true } });
      expect(actions.calls).toEqual([
        { name: "sendChannelMessage", req: { channel: "#test", text: "hi there" } },
      ]);
    });

    it("validates action bodies and names the bad field", async () => {
      const cases: [string, unknown, string][] = [
        ["/api/actions/channel-message", { channel: "#test" }, "text"],
        ["/api/actions/channel-message", { channel: "#test", text: "x".repeat(151) }, "text"],
        ["/api/actions/channel-message", { channel: "#test", text: "hi", extra: 1 }, "extra"],
        ["/api/actions/advert", { flood: "yes" }, "flood"],
        ["/api/actions/channel-keys", { name: "private" }, "key"],
        ["/api/actions/channel-keys", { name: "#x", key: "abc" }, "key"],
        [
          "/api/actions/radio-params",
          { radioId: "r1", freqMHz: 2400, bwKHz: 62.5, sf: 7, cr: 5 },
          "freqMHz",
        ],
        [
          "/api/actions/radio-params",
          { radioId: "r1", freqMHz: 910, bwKHz: 62.5, sf: 7.5, cr: 5 },
          "sf",
        ],
      ];
      const before = actions.calls.length;
      for (const [path, body, param] of cases) {
        const res = await postJson(t.base, path, body, AUTH);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(((await res.json()) as { param: string }).param).toBe(param);
      }
      const notJson = await fetch(`${t.base}/api/actions/advert`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "text/plain" },
        body: "{}",
      });
      expect(notJson.status).toBe(415);
      expect(actions.calls.length).toBe(before);
    });

    it("reports a refused action as 502 with the reason", async () => {
      actions.result = { ok: false, error: "radio r1 is not up", code: "E_RADIO_DOWN" };
      const res = await postJson(t.base, "/api/actions/advert", {}, AUTH);
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: "radio r1 is not up", code: "E_RADIO_DOWN" });
      actions.result = { ok: true, detail: { queued: true } };
    });

    it("allows CORS for the configured origin only", async () => {
      const ok = await fetch(`${t.base}/api/health`, { headers: { origin: "http://ha.local" } });
      expect(ok.headers.get("access-control-allow-origin")).toBe("http://ha.local");
      const no = await fetch(`${t.base}/api/health`, {
        headers: { origin: "http://evil.example" },
      });
      expect(no.headers.get("access-control-allow-origin")).toBeNull();
    });

    // Last in this block: it locks out 127.0.0.1 for a minute.
    it("rate-limits failed authentications per address with 429 and Retry-After", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await postJson(
          t.base,
          "/api/actions/advert",
          {},
          { authorization: `Bearer wrong-${i}` },
        );
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      // Even the right token waits out the block: guessing gains nothing.
      const right = await postJson(t.base, "/api/actions/advert", {}, AUTH);
      expect(right.status).toBe(429);
      const missing = await postJson(t.base, "/api/actions/advert", {});
      expect(missing.status).toBe(429);
    });
  });
});
