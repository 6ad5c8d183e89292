/**
 * A settings page on another origin the operator allowed (http.cors) saves
 * with PATCH /api/config: the browser sends a preflight first and refuses
 * the request unless the answer lists PATCH. Over a real server, both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";

describe.each(ENGINES)("CORS preflight for the settings API (%s)", (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(engine, { config: { cors: ["http://ha.local"] } });
  });
  afterAll(() => t.close());

  const preflight = (origin: string) =>
    fetch(`${t.base}/api/config`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type",
      },
    });

  it("lists PATCH for an allowed origin", async () => {
    const res = await preflight("http://ha.local");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://ha.local");
    const methods = (res.headers.get("access-control-allow-methods") ?? "").split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH"]));
    expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
  });

  it("gives another origin no CORS headers", async () => {
    const res = await preflight("http://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-methods")).toBeNull();
  });
});
