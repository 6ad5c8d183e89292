/** The supported Node.js line is one fact: the places that state it agree with core/version.ts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_MIN_MAJOR, NODE_SHIPPED_MAJOR } from "../../daemon/core/version.ts";
import { REPO_ROOT } from "../support/paths.ts";

const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");

describe("Node.js versions", () => {
  it("package.json engines, the .deb and the OpenWrt steps ask for the supported line", () => {
    expect(JSON.parse(read("package.json")).engines.node).toBe(`>=${NODE_MIN_MAJOR}`);
    expect(read("packaging/deb/control")).toMatch(
      new RegExp(`^Depends: nodejs \\(>= ${NODE_MIN_MAJOR}\\)`, "m"),
    );
    expect(read("packaging/openwrt/README.md")).toContain(
      `Node.js >= ${NODE_MIN_MAJOR}, ${NODE_SHIPPED_MAJOR} preferred`,
    );
  });

  it("the image and CI carry the shipped line", () => {
    expect(read("packaging/image/build-image.sh")).toMatch(
      new RegExp(`^NODE_LINE=${NODE_SHIPPED_MAJOR}$`, "m"),
    );
    expect(read(".ci/run")).toContain(`fetch-node.mjs x64 ${NODE_SHIPPED_MAJOR})`);
    expect(read(".ci/run")).toContain(`fetch-node.mjs x64 ${NODE_MIN_MAJOR})`);
  });
});
