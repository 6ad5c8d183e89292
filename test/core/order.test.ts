import { describe, expect, it } from "vitest";
import { byCodeUnit } from "../../daemon/core/order.ts";

describe("byCodeUnit", () => {
  it("orders hex identifiers digits first, then letters, shorter prefix first", () => {
    const ids = ["B0", "0A", "A", "AB12", "9F", "A0", "", "FF"];
    expect([...ids].sort(byCodeUnit)).toEqual(["", "0A", "9F", "A", "A0", "AB12", "B0", "FF"]);
  });

  it("is zero only for equal strings and antisymmetric", () => {
    expect(byCodeUnit("AB", "AB")).toBe(0);
    expect(byCodeUnit("AB", "AC")).toBe(-1);
    expect(byCodeUnit("AC", "AB")).toBe(1);
    // Unlike a locale collation, case is not folded: identifiers are compared as written.
    expect(byCodeUnit("ab", "AB")).toBe(1);
  });
});
