import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startDaemon } from "../support/daemon.ts";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

/** The package's scripts run on this machine (dpkg --force-script-chrootless) with these tools. */
const TOOLS = ["dpkg", "dpkg-deb", "systemd-sysusers", "systemd-tmpfiles", "deb-systemd-helper"];
const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
const hasDpkg = missing.length === 0;
if (!hasDpkg)
  console.log(`.deb install test skipped: missing ${missing.join(", ")} (systemd, dpkg)`);
const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version as string;

/** A scratch root with just enough of /etc and dpkg's database for an install. */
function scratchRoot(): string {
  const r = tempDir("meshgate-root-");
  for (const d of ["etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log", "usr/sbin"]) {
    mkdirSync(join(r, d), { recursive: true });
  }
  writeFileSync(join(r, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(r, "etc/group"), "root:x:0:\ndialout:x:20:\n");
  writeFileSync(join(r, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
  writeFileSync(join(r, "etc/gshadow"), "root:*::\ndialout:*::\n");
  writeFileSync(join(r, "var/lib/dpkg/status"), "");
  return r;
}

function dpkgInstall(root: string, deb: string): void {
  execFileSync(
    "dpkg",
    [
      `--root=${root}`,
      `--admindir=${join(root, "var/lib/dpkg")}`,
      `--log=${join(root, "var/log/dpkg.log")}`,
      "--force-depends",
      "--force-script-chrootless",
      "--force-confold",
      "-i",
      deb,
    ],
    { stdio: "pipe", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } },
  );
}

describe.skipIf(!hasDpkg)("the amd64 .deb installed into a scratch root", () => {
  let deb: string;
  let root: string;

  beforeAll(() => {
    // Into a temp dir: other packaging tests build the same file names at the same time.
    const out = tempDir("meshgate-deb-");
    execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, "packaging/package.mjs"),
        "linux-x64",
        "--no-build",
        "--no-tarball",
        `--out=${out}`,
      ],
      { cwd: REPO_ROOT, stdio: "pipe" },
    );
    deb = join(out, `meshgate_${version}_amd64.deb`);
    expect(existsSync(deb)).toBe(true);
    root = scratchRoot();
    dpkgInstall(root, deb);
  }, 600_000);

  it("declares its dependencies and config file", () => {
    const fields = execFileSync(
      "dpkg-deb",
      ["--field", deb, "Package", "Architecture", "Depends"],
      {
        encoding: "utf8",
      },
    );
    expect(fields).toMatch(/Package: meshgate/);
    expect(fields).toMatch(/Architecture: amd64/);
    expect(fields).toMatch(/Depends: .*nodejs \(>= \d+\)/);
    // The native bindings' libraries (packaging/shlibdeps.mjs).
    expect(fields).toMatch(/Depends: .*libc6 \(>= 2\.\d+\).*libstdc\+\+6 \(>= /);
    const conffiles = execFileSync("dpkg-deb", ["--ctrl-tarfile", deb]);
    expect(conffiles.includes(Buffer.from("conffiles"))).toBe(true);
  });

  it("installs the bundle, assets, schema, native binding, launcher, unit and config", () => {
    const lib = join(root, "usr/lib/meshgate");
    for (const f of [
      "dist/meshgate.mjs",
      "dist/store-worker.mjs",
      "dist/sql-wasm.wasm",
      "dist/schema/001_init.sql",
      "dist/schema/config.schema.json",
      "dist/web/index.html",
      "node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node",
      "node_modules/node-gyp-build/index.js",
    ]) {
      expect(existsSync(join(lib, f)), f).toBe(true);
    }
    // The chunks build.mjs split off the daemon's bundle (the mqtt package is
    // one, loaded only when a broker is configured), with their source maps.
    const chunks = readdirSync(join(REPO_ROOT, "dist")).filter((f) => /^chunk-.+\.mjs$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) {
      expect(existsSync(join(lib, "dist", c)), c).toBe(true);
      expect(existsSync(join(lib, "dist", `${c}.map`)), `${c}.map`).toBe(true);
    }
    // Only this architecture's glibc native builds are shipped (musl is for the OpenWrt tarball).
    expect(readdirSync(join(lib, "node_modules/@serialport/bindings-cpp/prebuilds"))).toEqual([
      "linux-x64",
    ]);
    expect(
      readdirSync(join(lib, "node_modules/@serialport/bindings-cpp/prebuilds/linux-x64")),
    ).toEqual(["@serialport+bindings-cpp.glibc.node"]);
    // No executable data files (sql-wasm.wasm comes executable from npm).
    expect(statSync(join(lib, "dist/sql-wasm.wasm")).mode & 0o777).toBe(0o644);
    expect(existsSync(join(root, "usr/bin/meshgate"))).toBe(true);
    expect(existsSync(join(root, "lib/systemd/system/meshgate.service"))).toBe(true);
    expect(existsSync(join(root, "usr/lib/sysusers.d/meshgate.conf"))).toBe(true);
    for (const f of ["copyright", "changelog.gz", "README.md"]) {
      expect(existsSync(join(root, "usr/share/doc/meshgate", f)), f).toBe(true);
    }
    expect(existsSync(join(root, "usr/share/man/man8/meshgate.8.gz"))).toBe(true);
    expect(readFileSync(join(root, "etc/meshgate/config.yaml"), "utf8")).toMatch(/enabled: false/);
  });

  it("creates the system user in the dialout group, with its data directory", () => {
    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    const user = /^meshgate:x:(\d+):(\d+):[^:]*:\/var\/lib\/meshgate:\/usr\/sbin\/nologin$/m.exec(
      passwd,
    );
    expect(user, passwd).not.toBeNull();
    const group = readFileSync(join(root, "etc/group"), "utf8");
    expect(group).toMatch(/^dialout:x:20:.*\bmeshgate\b/m);
    const gid = /^meshgate:x:(\d+):/m.exec(group)?.[1];
    expect(gid).toBe(user?.[2]);
    // Owned by the scratch root's meshgate user, not a name looked up on the host.
    const data = statSync(join(root, "var/lib/meshgate"));
    expect([data.uid, data.gid, data.mode & 0o777]).toEqual([
      Number(user?.[1]),
      Number(gid),
      0o750,
    ]);
    const config = statSync(join(root, "etc/meshgate/config.yaml"));
    // Settings saved from the web UI replace the file by a rename: the folder is
    // group-writable, the file only group-readable.
    expect([config.uid, config.gid, config.mode & 0o777]).toEqual([0, Number(gid), 0o640]);
    const folder = statSync(join(root, "etc/meshgate"));
    expect([folder.uid, folder.gid, folder.mode & 0o777]).toEqual([0, Number(gid), 0o770]);
  });

  it("enables the unit inside the root through deb-systemd-helper", () => {
    const wants = join(root, "etc/systemd/system/multi-user.target.wants/meshgate.service");
    expect(readlinkSync(wants)).toBe("/lib/systemd/system/meshgate.service");
  });

  it("the installed bundle runs and accepts the shipped config", () => {
    const lib = join(root, "usr/lib/meshgate");
    const v = execFileSync(process.execPath, [join(lib, "dist/meshgate.mjs"), "--version"], {
      encoding: "utf8",
    });
    expect(v.trim()).toBe(version);
    const check = execFileSync(
      process.execPath,
      [
        join(lib, "dist/meshgate.mjs"),
        "config",
        "check",
        "--config",
        join(root, "etc/meshgate/config.yaml"),
      ],
      { encoding: "utf8" },
    );
    expect(check).toMatch(/config OK/);
    expect(check).toMatch(/simulator: off/);
  });

  it("the installed daemon starts from its own tree, serves health, and stops cleanly", async () => {
    const lib = join(root, "usr/lib/meshgate");
    // Run from the scratch root so nothing resolves from the checkout's node_modules.
    const d = await startDaemon({
      entry: join(lib, "dist/meshgate.mjs"),
      cwd: root,
      yaml: readFileSync(join(root, "etc/meshgate/config.yaml"), "utf8"),
      args: ["--simulator"],
      timeoutMs: 60_000,
    });
    try {
      const health = (await (await fetch(`${d.url}/api/health`)).json()) as {
        status: string;
        store: { ok: boolean };
        engine: string;
      };
      expect(health.store.ok).toBe(true);
      expect(["uws", "node"]).toContain(health.engine);
      const index = await fetch(`${d.url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toMatch(/<script type="module" src="\/assets\//);
    } finally {
      expect(await d.stop("SIGTERM")).toBe(0);
    }
  }, 90_000);

  it("keeps an edited config on reinstall (upgrade)", () => {
    const cfg = join(root, "etc/meshgate/config.yaml");
    writeFileSync(cfg, `${readFileSync(cfg, "utf8")}\n# operator edit\n`);
    dpkgInstall(root, deb);
    expect(readFileSync(cfg, "utf8")).toMatch(/# operator edit/);
    // The user is not created twice.
    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    expect(passwd.match(/^meshgate:/gm)).toHaveLength(1);
  });
});
