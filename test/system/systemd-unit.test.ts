import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectionCap, MAX_CONNECTIONS, RESERVED_FDS } from "../../daemon/http/fd-guard.ts";
import { unitNodeFlags } from "../../packaging/unit-flags.mjs";
import { REPO_ROOT } from "../support/paths.ts";

const UNIT = join(REPO_ROOT, "systemd/meshgate.service");
const hasAnalyze = spawnSync("sh", ["-c", "command -v systemd-analyze"]).status === 0;

function directives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

describe("systemd unit", () => {
  const d = directives(readFileSync(UNIT, "utf8"));

  it("is a notify service with a watchdog, restart on failure and a state directory", () => {
    expect(d.get("Type")).toEqual(["notify"]);
    expect(d.get("NotifyAccess")).toEqual(["all"]);
    expect(Number(d.get("WatchdogSec")?.[0])).toBeGreaterThan(0);
    expect(d.get("Restart")).toEqual(["on-failure"]);
    expect(d.get("StateDirectory")).toEqual(["meshgate"]);
    expect(d.get("Environment")).toContain("MESHGATE_DATA_DIR=/var/lib/meshgate");
    expect(d.get("KillSignal")).toEqual(["SIGTERM"]);
  });

  it("gives the HTTP connection cap and the store's reserve their descriptors", () => {
    const limit = Number(d.get("LimitNOFILE")?.[0]);
    expect(limit).toBeGreaterThanOrEqual(MAX_CONNECTIONS + RESERVED_FDS);
    expect(connectionCap(MAX_CONNECTIONS, limit)).toBe(MAX_CONNECTIONS);
  });

  it("tunes glibc malloc so freed store buffers go back to the kernel", () => {
    const env = new Map(
      (d.get("Environment") ?? []).map((e) => e.split("=", 2) as [string, string]),
    );
    expect(env.get("MALLOC_ARENA_MAX")).toBe("2");
    // A fixed threshold also turns off glibc's dynamic one, which after a
    // large free would keep later 30 MB buffers on the heap.
    expect(Number(env.get("MALLOC_MMAP_THRESHOLD_"))).toBeGreaterThan(0);
    expect(Number(env.get("MALLOC_TRIM_THRESHOLD_"))).toBeGreaterThan(0);
  });

  it("gives the OpenWrt procd init script the same NODE_OPTIONS", () => {
    const unitOpts = (d.get("Environment") ?? [])
      .find((e) => e.startsWith("NODE_OPTIONS="))
      ?.slice("NODE_OPTIONS=".length);
    const init = readFileSync(join(REPO_ROOT, "packaging/openwrt/meshgate.init"), "utf8");
    const initOpts = /procd_set_param env .*\bNODE_OPTIONS=(\S+)/.exec(init)?.[1];
    expect(unitOpts).toBeTruthy();
    expect(initOpts).toBe(unitOpts);
  });

  it("runs node with the same V8 flags in every launcher", () => {
    const exec =
      /^\/usr\/bin\/node((?: --\S+)*) \/usr\/lib\/meshgate\/dist\/meshgate\.mjs run /.exec(
        d.get("ExecStart")?.[0] ?? "",
      );
    const flags = exec?.[1]?.trim();
    expect(flags).toBe(
      "--max-opt=0 --no-wasm-tier-up --no-wasm-dynamic-tiering --max-old-space-size=256",
    );
    const init = readFileSync(join(REPO_ROOT, "packaging/openwrt/meshgate.init"), "utf8");
    expect(
      /procd_set_param command \/usr\/bin\/node ((?:--\S+ ?)*) "\$MESHGATE_HOME/
        .exec(init)?.[1]
        ?.trim(),
    ).toBe(flags);
    // The .deb's and the tarball's launchers read them from the unit.
    expect(unitNodeFlags().join(" ")).toBe(flags);
    for (const file of ["packaging/deb.mjs", "packaging/package.mjs"]) {
      const launcher = readFileSync(join(REPO_ROOT, file), "utf8");
      expect(
        /exec node \$\{unitNodeFlags\(\)\.join\(" "\)\} \S*dist\/meshgate\.mjs/.test(launcher),
        file,
      ).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toContain(`node ${flags} dist/meshgate.mjs run`);
  });

  it("is hardened, with device access limited to serial ttys", () => {
    expect(d.get("ProtectSystem")).toEqual(["strict"]);
    expect(d.get("PrivateTmp")).toEqual(["yes"]);
    expect(d.get("NoNewPrivileges")).toEqual(["yes"]);
    expect(d.get("DevicePolicy")).toEqual(["closed"]);
    const allowed = d.get("DeviceAllow") ?? [];
    expect(allowed.length).toBeGreaterThan(0);
    for (const a of allowed) expect(a).toMatch(/^char-tty(ACM|USB|S|AMA) rw$/);
    expect(d.get("SupplementaryGroups")).toEqual(["dialout"]);
    // Node's JIT would die under MemoryDenyWriteExecute.
    expect(d.has("MemoryDenyWriteExecute")).toBe(false);
  });

  it.skipIf(!hasAnalyze)("passes systemd-analyze verify", () => {
    const r = spawnSync("systemd-analyze", ["verify", UNIT], { encoding: "utf8" });
    expect(r.stderr.trim()).toBe("");
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasAnalyze)("rates as OK or better in systemd-analyze security", () => {
    const out = execFileSync("systemd-analyze", ["security", "--offline=yes", UNIT], {
      encoding: "utf8",
    });
    const m = /Overall exposure level for meshgate\.service: ([\d.]+)/.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(4.9);
  });
});
