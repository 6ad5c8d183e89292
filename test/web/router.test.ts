/** Hash routes: parsing, round trips, and hostile links. */
import { describe, expect, it } from "vitest";
import { href, parseHash, type Route } from "../../web/src/router.ts";

describe("parseHash", () => {
  it("maps every page", () => {
    expect(parseHash("")).toEqual({ page: "overview" });
    expect(parseHash("#/")).toEqual({ page: "overview" });
    expect(parseHash("#/feed")).toEqual({ page: "feed" });
    expect(parseHash("#/nodes/ab12")).toEqual({ page: "node", key: "AB12" });
    expect(parseHash("#/packets/B1BAAF3BF0D0726C")).toEqual({
      page: "packet",
      hash: "b1baaf3bf0d0726c",
    });
    expect(parseHash("#/channels/%23test")).toEqual({ page: "channels", channel: "#test" });
    expect(parseHash("#/map/")).toEqual({ page: "map" });
    expect(parseHash("#/nope")).toEqual({ page: "notfound", path: "nope" });
  });

  it("round-trips through href", () => {
    const routes: Route[] = [
      { page: "overview" },
      { page: "feed" },
      { page: "packet", hash: "b1baaf3bf0d0726c" },
      { page: "nodes" },
      { page: "node", key: "7E7662676F7F0850" },
      { page: "map" },
      { page: "graph" },
      { page: "channels", channel: null },
      { page: "channels", channel: "#wardriving" },
      { page: "radio" },
      { page: "about" },
    ];
    for (const r of routes) expect(parseHash(href(r))).toEqual(r);
  });

  it("refuses non-hex keys, bad escapes and huge segments", () => {
    expect(parseHash("#/nodes/<img src=x>")).toEqual({ page: "nodes" });
    expect(parseHash("#/packets/%E0%A4%A")).toEqual({ page: "feed" });
    expect(parseHash(`#/channels/${"a".repeat(500)}`)).toEqual({ page: "channels", channel: null });
    const nf = parseHash(`#/${"x".repeat(1000)}`);
    expect(nf.page === "notfound" && nf.path.length).toBe(128);
  });
});
