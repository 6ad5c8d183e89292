import { describe, expect, it } from "vitest";
import { TimeoutError } from "../../daemon/core/errors.ts";
import { backoffDelay } from "../../daemon/radio/backoff.ts";
import { decideClock, trustedHostTime } from "../../daemon/radio/clock.ts";
import { RadioCommandError, RequestQueue } from "../../daemon/radio/requests.ts";

const match = (code: number) => (f: Uint8Array) =>
  f[0] === code ? { ok: f[1] } : f[0] === 1 ? { err: "refused" } : undefined;

describe("request queue", () => {
  it("keeps one command in flight and matches replies in order", async () => {
    const q = new RequestQueue();
    const sent: number[] = [];
    const a = q.request("a", () => sent.push(1), match(9), 1000);
    const b = q.request("b", () => sent.push(2), match(9), 1000);
    expect(sent).toEqual([1]);
    expect(q.offer(Uint8Array.of(0x88))).toBe(false); // a push is not the reply
    expect(q.offer(Uint8Array.of(9, 42))).toBe(true);
    await expect(a).resolves.toBe(42);
    await Promise.resolve();
    expect(sent).toEqual([1, 2]);
    q.offer(Uint8Array.of(1));
    await expect(b).rejects.toBeInstanceOf(RadioCommandError);
  });

  it("times out with an error created when the request was made, then moves on", async () => {
    const q = new RequestQueue();
    const a = q.request("slow", () => {}, match(9), 20);
    const b = q.request("next", () => {}, match(9), 1000);
    const err = await a.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).stack).toContain("requests.test.ts");
    expect(q.timeouts).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    q.offer(Uint8Array.of(9, 1));
    await expect(b).resolves.toBe(1);
  });

  it("rejects everything on close and refuses new work until reopened", async () => {
    const q = new RequestQueue();
    const a = q.request("a", () => {}, match(9), 1000);
    const b = q.request("b", () => {}, match(9), 1000);
    q.close(new Error("link lost"));
    await expect(a).rejects.toThrow("link lost");
    await expect(b).rejects.toThrow("link lost");
    await expect(q.request("c", () => {}, match(9), 1000)).rejects.toThrow("link lost");
    q.reopen();
    const d = q.request("d", () => {}, match(9), 1000);
    q.offer(Uint8Array.of(9, 5));
    await expect(d).resolves.toBe(5);
  });

  it("turns a throwing write into a rejected request", async () => {
    const q = new RequestQueue();
    const a = q.request(
      "w",
      () => {
        throw new Error("EIO");
      },
      match(9),
      1000,
    );
    await expect(a).rejects.toMatchObject({ code: "E_RADIO_WRITE" });
  });
});

describe("backoff", () => {
  it("grows exponentially, is capped, and jitters downwards only", () => {
    const o = { baseMs: 100, capMs: 1000, jitter: 0.5 };
    expect(backoffDelay(0, o, () => 1)).toBe(100);
    expect(backoffDelay(3, o, () => 1)).toBe(800);
    expect(backoffDelay(10, o, () => 1)).toBe(1000);
    expect(backoffDelay(10, o, () => 0)).toBe(500);
    expect(backoffDelay(1000, o, () => 0.5)).toBe(750);
  });
});

describe("host clock trust", () => {
  it("trusts only a plausible, not-unsynced host clock", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(trustedHostTime(now, true)).toBe(now);
    expect(trustedHostTime(now, null)).toBe(now);
    expect(trustedHostTime(now, false)).toBeNull();
    expect(trustedHostTime(Date.UTC(1970, 0, 2), null)).toBeNull();
  });

  it("sets a clock that is behind, flags one that is ahead, never steps back", () => {
    const host = 1_800_000_000_000;
    expect(decideClock(1_700_000_000, host, true)).toEqual({
      action: "set",
      skewSec: -100_000_000,
      to: 1_800_000_000,
    });
    expect(decideClock(1_700_000_000, host, false).action).toBe("ok");
    expect(decideClock(1_800_000_600, host, true)).toEqual({ action: "ahead", skewSec: 600 });
    expect(decideClock(1_800_000_001, host, true)).toEqual({ action: "ok", skewSec: 1 });
  });
});
