import { describe, expect, it } from "vitest";
import {
  currentHost,
  loadBestUws,
  UWS_BUILDS,
  type UwsHost,
  type UwsLoader,
  uwsMismatch,
} from "../../daemon/http/engine-select.ts";
import type { UwsLoad } from "../../daemon/http/engine-uws.ts";

const bookwormNode24: UwsHost = {
  platform: "linux",
  arch: "arm64",
  abi: 137,
  nodeVersion: "24.11.0",
  glibc: "2.36",
};
const [btc, truffle] = UWS_BUILDS;
if (!btc || !truffle) throw new Error("two builds expected");

/** A loader that records what it was asked for and answers from a table. */
function loader(answers: Record<string, UwsLoad>): UwsLoader & { calls: string[] } {
  const calls: string[] = [];
  const f = (binary: string, pkg: string, dir: string): UwsLoad => {
    calls.push(`${pkg}|${dir}|${binary}`);
    return answers[pkg] ?? { ok: false, reason: `${pkg} is not installed` };
  };
  return Object.assign(f, { calls });
}

describe("uwsMismatch", () => {
  it("names the Node ABI a build lacks", () => {
    expect(uwsMismatch(truffle, bookwormNode24)).toBe(
      "built for Node ABI 93/108/115, this is Node 24.11.0 (ABI 137)",
    );
  });
  it("names the glibc a build needs", () => {
    expect(uwsMismatch(btc, bookwormNode24)).toBe("needs glibc >= 2.38, this system has 2.36");
    expect(uwsMismatch(btc, { ...bookwormNode24, glibc: "2.41" })).toBeNull();
    expect(uwsMismatch(btc, { ...bookwormNode24, glibc: "2.4" })).toMatch(/has 2\.4$/);
  });
  it("refuses musl, other architectures and other systems", () => {
    expect(uwsMismatch(btc, { ...bookwormNode24, glibc: null })).toMatch(/no glibc/);
    expect(uwsMismatch(truffle, { ...bookwormNode24, abi: 115, glibc: null })).toMatch(/musl/);
    expect(uwsMismatch(btc, { ...bookwormNode24, arch: "arm", glibc: "2.41" })).toBe(
      "no build for arm",
    );
    expect(uwsMismatch(truffle, { ...bookwormNode24, arch: "mipsel", abi: 115 })).toBe(
      "no build for mipsel",
    );
    expect(uwsMismatch(btc, { ...bookwormNode24, platform: "freebsd" })).toBe(
      "no build for freebsd",
    );
  });
  it("accepts Node 20 on an old glibc with the older build only", () => {
    const node20 = { ...bookwormNode24, abi: 115, nodeVersion: "20.20.2" };
    expect(uwsMismatch(truffle, node20)).toBeNull();
    expect(uwsMismatch(btc, node20)).toMatch(/glibc >= 2\.38/);
  });
});

describe("loadBestUws", () => {
  const fakeUws = {} as Extract<UwsLoad, { ok: true }>["uws"];

  it("says, per build, why none loads, without trying builds that cannot", () => {
    const load = loader({});
    const r = loadBestUws(bookwormNode24, load);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain("@btc-vision/uwebsockets.js: needs glibc >= 2.38");
      expect(r.reason).toContain("@trufflesuite/uws-js-unofficial: built for Node ABI");
    }
    expect(load.calls).toEqual([]);
  });

  it("takes the first build that loads, with its platform binary name", () => {
    const load = loader({ "@btc-vision/uwebsockets.js": { ok: true, uws: fakeUws, binary: "b" } });
    const r = loadBestUws({ ...bookwormNode24, glibc: "2.41" }, load);
    expect(r.ok && r.binary).toBe("@btc-vision/uwebsockets.js/b");
    expect(load.calls).toEqual(["@btc-vision/uwebsockets.js||uws_linux_arm64_137.node"]);
  });

  it("falls through to the next build when a plausible one fails to load", () => {
    const host = { ...bookwormNode24, abi: 115, glibc: "2.41" };
    const load = loader({
      "@trufflesuite/uws-js-unofficial": { ok: true, uws: fakeUws, binary: "t" },
    });
    const r = loadBestUws(host, load);
    expect(r.ok && r.binary).toBe("@trufflesuite/uws-js-unofficial/t");
    expect(load.calls).toEqual([
      "@btc-vision/uwebsockets.js||uws_linux_arm64_115.node",
      "@trufflesuite/uws-js-unofficial|binaries|uws_linux_arm64_115.node",
    ]);
  });

  it("on this machine either loads a real uWS or explains every build", () => {
    const r = loadBestUws();
    if (r.ok) expect(typeof r.uws.App).toBe("function");
    else for (const b of UWS_BUILDS) expect(r.reason).toContain(`${b.pkg}: `);
    expect(currentHost().abi).toBe(Number(process.versions.modules));
  });

  // Set by .ci/uws-trixie, which runs the engine suites where uWS must load.
  it.runIf(process.env.MESHGATE_EXPECT_UWS === "1")(
    "loads uWS where the environment promises it (Debian 13, Node 24)",
    () => {
      const r = loadBestUws();
      expect(r.ok ? r.binary : r.reason).toMatch(/^@btc-vision\/uwebsockets\.js\/uws_linux_/);
    },
  );
});
