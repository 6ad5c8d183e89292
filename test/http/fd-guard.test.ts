/** Connection caps below the descriptor limit, and uWS's pause/resume watch. */
import { describe, expect, it } from "vitest";
import * as guard from "../../daemon/http/fd-guard.ts";

describe("fd guard", () => {
  it("reads the soft limit from /proc/self/limits text", () => {
    const text = [
      "Limit                     Soft Limit           Hard Limit           Units",
      "Max open files            300                  4096                 files",
    ].join("\n");
    expect(guard.fdLimit(text)).toBe(300);
    expect(
      guard.fdLimit("Max open files            unlimited            unlimited   files"),
    ).toBeNull();
    expect(guard.fdLimit("")).toBeNull();
  });

  it("caps connections below the limit, keeping the reserve, never below 16", () => {
    expect(guard.connectionCap(guard.MAX_CONNECTIONS, 20_000)).toBe(guard.MAX_CONNECTIONS);
    expect(guard.connectionCap(guard.MAX_CONNECTIONS, 300)).toBe(300 - guard.RESERVED_FDS);
    expect(guard.connectionCap(guard.MAX_CONNECTIONS, 64)).toBe(16);
    expect(guard.connectionCap(guard.MAX_CONNECTIONS, null)).toBe(guard.MAX_CONNECTIONS);
  });

  it("pauses at the high-water mark and resumes once a tenth of the reserve is free again", () => {
    let n = 40;
    const events: string[] = [];
    const w = new guard.FdWatch(
      300,
      () => events.push("pause"),
      () => events.push("resume"),
      () => n,
    );
    w.check();
    expect(events).toEqual([]);
    n = 300 - guard.RESERVED_FDS;
    w.check();
    expect(events).toEqual(["pause"]);
    n = 300 - guard.RESERVED_FDS - 5;
    w.check();
    expect(events).toEqual(["pause"]); // not yet: hysteresis
    n = 300 - guard.RESERVED_FDS - 20;
    w.check();
    expect(events).toEqual(["pause", "resume"]);
    expect(w.pauses).toBe(1);
  });
});
