/** The forms' submit handler: the browser's own submission stopped, the page's handler run once. */
import { describe, expect, it } from "vitest";
import { submitted } from "../../web/src/components/submit.ts";

describe("submitted", () => {
  it("prevents the default submission and runs the handler", () => {
    let runs = 0;
    const e = new Event("submit", { cancelable: true });
    submitted(() => {
      runs++;
    })(e);
    expect(e.defaultPrevented).toBe(true);
    expect(runs).toBe(1);
  });

  it("has prevented the submission before an async handler's first await", () => {
    let prevented: boolean | null = null;
    const e = new Event("submit", { cancelable: true });
    submitted(async () => {
      prevented = e.defaultPrevented;
      await Promise.resolve();
    })(e);
    expect(prevented).toBe(true);
  });
});
