import { describe, expect, it } from "vitest";
import { LogRing } from "../../daemon/app/log-ring.ts";

describe("LogRing", () => {
  it("keeps the newest lines in order within its bound and counts what it dropped", () => {
    const r = new LogRing(3);
    for (let i = 1; i <= 5; i++) r.push(`line ${i}`);
    expect(r.lines()).toEqual(["line 3", "line 4", "line 5"]);
    expect(r.dropped).toBe(2);
  });

  it("masks credentials in URLs, bearer tokens and admin tokens, and caps line length", () => {
    const r = new LogRing(10);
    r.push('broker url="mqtts://user:hunter2@example.org:8883" failed');
    r.push("Authorization: Bearer abcdefghijklmnop");
    r.push(`token mg_${"A".repeat(43)} seen`);
    r.push("x".repeat(5000));
    const [url, bearer, admin, long] = r.lines();
    expect(url).toBe('broker url="mqtts://***@example.org:8883" failed');
    expect(bearer).toBe("Authorization: Bearer ***");
    expect(admin).toBe("token mg_*** seen");
    expect(long!.length).toBeLessThanOrEqual(401);
  });
});
