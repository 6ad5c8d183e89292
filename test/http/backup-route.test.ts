/**
 * GET /api/system/backup on each engine: admin only, a streamed body sent
 * whole with its length and a dated attachment name, the stream closed once
 * in every case (sent, HEAD, client gone), and 409 while another runs.
 * The real store behind it is in backup.test.ts.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { BackupBusyError } from "../../daemon/app/backup.ts";
import type { BodyStream } from "../../daemon/http/engine.ts";
import type { SystemPort } from "../../daemon/http/setup-ports.ts";
import { ENGINES, startServer, type TestServer } from "../support/http/server.ts";
import { until } from "../support/wait.ts";

const TOKEN = "backup-route-token-0123456789";
const CHUNK = 64 * 1024;

/** `count` chunks, chunk i filled with i & 255; counts reads and closes. */
function fakeStream(count: number) {
  const seen = { read: 0, closed: 0 };
  const stream: BodyStream = {
    length: count * CHUNK,
    async *chunks() {
      for (let i = 0; i < count; i++) {
        seen.read++;
        yield new Uint8Array(CHUNK).fill(i & 255);
      }
    },
    close: () => {
      seen.closed++;
    },
  };
  return { stream, seen };
}

function withBackup(backup: SystemPort["backup"]): SystemPort {
  return { backup } as Partial<SystemPort> as SystemPort;
}

describe.each(ENGINES)("GET /api/system/backup (%s)", (engine) => {
  let t: TestServer | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it("is refused without the admin credential, and with a wrong one", async () => {
    const { stream, seen } = fakeStream(1);
    t = await startServer(engine, {
      providers: { system: withBackup(async () => ({ filename: "x.tar", stream })) },
    });
    // No token configured and nothing claimed: admin routes are off.
    expect((await fetch(`${t.base}/api/system/backup`, { headers: auth })).status).toBe(403);
    await t.close();
    t = await startServer(engine, {
      config: { token: TOKEN },
      providers: { system: withBackup(async () => ({ filename: "x.tar", stream })) },
    });
    expect((await fetch(`${t.base}/api/system/backup`)).status).toBe(401);
    const wrong = await fetch(`${t.base}/api/system/backup`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    expect(seen).toEqual({ read: 0, closed: 0 });
  });

  it("streams the whole body with its length and a dated attachment name, then closes the stream", async () => {
    const { stream, seen } = fakeStream(40);
    t = await startServer(engine, {
      config: { token: TOKEN },
      providers: {
        system: withBackup(async () => ({
          filename: "meshgate-backup-2026-12-06T083012Z.tar",
          stream,
        })),
      },
    });
    const r = await fetch(`${t.base}/api/system/backup`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/x-tar");
    expect(r.headers.get("content-disposition")).toBe(
      'attachment; filename="meshgate-backup-2026-12-06T083012Z.tar"',
    );
    expect(r.headers.get("cache-control")).toBe("no-store");
    const body = Buffer.from(await r.arrayBuffer());
    expect(body.length).toBe(40 * CHUNK);
    for (let i = 0; i < 40; i++) expect(body[i * CHUNK + 100]).toBe(i);
    await until(() => seen.closed === 1, 5000, "the stream closed");
    expect(seen.read).toBe(40);
  });

  it("HEAD announces the length and closes the stream unread", async () => {
    const { stream, seen } = fakeStream(3);
    t = await startServer(engine, {
      config: { token: TOKEN },
      providers: { system: withBackup(async () => ({ filename: "b.tar", stream })) },
    });
    const r = await fetch(`${t.base}/api/system/backup`, { method: "HEAD", headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-length")).toBe(String(3 * CHUNK));
    expect(seen).toEqual({ read: 0, closed: 1 });
  });

  it("stops reading and closes the stream when the client goes away", async () => {
    // 64 MiB offered; the client takes one chunk and hangs up.
    const { stream, seen } = fakeStream(1024);
    t = await startServer(engine, {
      config: { token: TOKEN },
      providers: { system: withBackup(async () => ({ filename: "b.tar", stream })) },
    });
    const port = t.port;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/api/system/backup", headers: auth, agent: false },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on("error", () => {});
      req.end();
      setTimeout(() => reject(new Error("no data")), 10_000).unref();
    });
    await until(() => seen.closed === 1, 10_000, "the stream closed");
    // Backpressure held it back: far from all 1024 chunks were read.
    expect(seen.read).toBeLessThan(512);
  });

  it("answers 409 while another backup runs", async () => {
    t = await startServer(engine, {
      config: { token: TOKEN },
      providers: {
        system: withBackup(async () => {
          throw new BackupBusyError();
        }),
      },
    });
    const r = await fetch(`${t.base}/api/system/backup`, { headers: auth });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { code: string }).code).toBe("E_BACKUP_BUSY");
  });
});
