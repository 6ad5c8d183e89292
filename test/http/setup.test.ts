/**
 * The first-run claim over real HTTP: read-only until claimed, the code is
 * single-use, expires, and is rate-limited; the claimed token then works as
 * the admin bearer token, and a wrong one does not.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_FILE, AdminCredential, SETUP_CODE_TTL_MS } from "../../daemon/app/admin.ts";
import { ENGINES, postJson, startServer, type TestServer } from "../support/http/server.ts";

describe.each(ENGINES)("first-run claim (%s)", (engine) => {
  let dir: string;
  let t: TestServer;
  let now: number;
  let admin: AdminCredential;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "meshgate-claim-"));
    now = Date.parse("2026-12-06T00:00:00Z");
    admin = new AdminCredential(dir, () => now);
    t = await startServer(engine, { providers: { admin } });
  });
  afterEach(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is read-only until claimed, then the claimed token is the admin credential", async () => {
    expect(await (await fetch(`${t.base}/api/setup/status`)).json()).toEqual({
      claimed: false,
      claimable: true,
      writable: false,
    });
    const advert = () =>
      postJson(t.base, "/api/actions/advert", {}, { authorization: `Bearer ${token}` });
    let token = "mg_not-a-real-token-000000000000000";
    expect((await advert()).status).toBe(403);

    const code = admin.setupCode()!.code;
    const r = await postJson(t.base, "/api/setup/claim", {
      code: code.toLowerCase().replace("-", " "),
    });
    expect(r.status).toBe(200);
    token = ((await r.json()) as { token: string }).token;
    expect(token).toMatch(/^mg_[A-Za-z0-9_-]{43}$/);
    // Stored hashed, private, and the code is spent.
    const stored = readFileSync(join(dir, ADMIN_FILE), "utf8");
    expect(stored).not.toContain(token);
    expect(statSync(join(dir, ADMIN_FILE)).mode & 0o777).toBe(0o600);
    expect((await postJson(t.base, "/api/setup/claim", { code })).status).toBe(409);
    // No actions port here: the token passes auth and reaches "not available".
    expect((await advert()).status).toBe(503);
    token = `${token.slice(0, -1)}x`;
    expect((await advert()).status).toBe(401);
  });

  it("refuses a wrong code, then rate-limits the address", async () => {
    admin.setupCode();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await postJson(t.base, "/api/setup/claim", { code: "AAAAA-AAAAA" })).status);
    expect(codes.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    const limited = await postJson(t.base, "/api/setup/claim", { code: admin.setupCode()!.code });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(existsSync(join(dir, ADMIN_FILE))).toBe(false);
  });

  it("refuses an expired code; a new one is made for `meshgate setup-code`", async () => {
    const old = admin.setupCode()!;
    now += SETUP_CODE_TTL_MS + 1;
    const r = await postJson(t.base, "/api/setup/claim", { code: old.code });
    expect(r.status).toBe(410);
    const fresh = admin.setupCode()!;
    expect(fresh.code).not.toBe(old.code);
    expect((await postJson(t.base, "/api/setup/claim", { code: fresh.code })).status).toBe(200);
  });

  it("rejects unknown fields and a missing code", async () => {
    expect((await postJson(t.base, "/api/setup/claim", { code: "x", extra: 1 })).status).toBe(400);
    expect((await postJson(t.base, "/api/setup/claim", {})).status).toBe(400);
  });
});
