import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.ts";

/**
 * The Raspberry Pi image (packaging/image). Building it (`npm run image`)
 * needs root, mmdebstrap and arm64 emulation and takes many minutes, and the
 * boot test (`npm run image:test`) boots it under qemu-system-aarch64 for
 * several more, so the suite checks here what holds the build together and
 * boots the image only when MESHGATE_IMAGE_TEST=1 and one has been built.
 */
const dir = join(REPO_ROOT, "packaging/image");
const hasShellcheck = spawnSync("sh", ["-c", "command -v shellcheck"]).status === 0;
const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version;
const image = join(REPO_ROOT, `release/meshgate-${version}-rpi-arm64.img.xz`);
const bootTest = join(dir, "boot-test.mjs");

describe("packaging/image", () => {
  it.skipIf(!hasShellcheck)("its shell scripts are shellcheck-clean", () => {
    const sbin = join(dir, "rootfs/usr/local/sbin");
    const scripts = [
      join(dir, "build-image.sh"),
      join(dir, "customize.sh"),
      join(dir, "no-initramfs.sh"),
      ...readdirSync(sbin).map((f) => join(sbin, f)),
    ];
    const r = spawnSync("shellcheck", scripts, { encoding: "utf8" });
    expect(r.status, r.stdout).toBe(0);
  });

  it("mounts by the labels the build writes, and the kernel finds its root by label", () => {
    const fstab = readFileSync(join(dir, "rootfs/etc/fstab"), "utf8");
    const build = readFileSync(join(dir, "build-image.sh"), "utf8");
    for (const [label, mount, mkfs] of [
      ["RASPIROOT", "/", "mkfs.ext4 -q -L RASPIROOT"],
      ["RASPIFIRM", "/boot/firmware", "mkfs.vfat -F 32 -n RASPIFIRM"],
      ["MESHDATA", "/var/lib/meshgate", "mkfs.ext4 -q -L MESHDATA"],
    ] as const) {
      expect(fstab).toMatch(new RegExp(`^LABEL=${label}\\s+${mount}\\s`, "m"));
      expect(build).toContain(mkfs);
    }
    expect(readFileSync(join(dir, "customize.sh"), "utf8")).toContain("ROOTPART=LABEL=RASPIROOT");
    // The data partition is grown, then its file system on mount.
    expect(fstab).toMatch(/MESHDATA.*x-systemd\.growfs/);
  });

  it("keeps the journal in RAM and capped, SSH off, meshgate and first-boot steps on", () => {
    const journald = readFileSync(
      join(dir, "rootfs/etc/systemd/journald.conf.d/meshgate-image.conf"),
      "utf8",
    );
    expect(journald).toMatch(/^Storage=volatile$/m);
    expect(journald).toMatch(/^RuntimeMaxUse=\d+M$/m);
    const customize = readFileSync(join(dir, "customize.sh"), "utf8");
    expect(customize).toMatch(/systemctl disable ssh\.service/);
    expect(customize).toMatch(/rm -f "\$R"\/etc\/ssh\/ssh_host_\*/);
    for (const unit of ["meshgate", "meshgate-firstboot", "meshgate-grow-data", "avahi-daemon"])
      expect(customize).toMatch(new RegExp(`systemctl enable [^"]*\\b${unit}\\.service`));
    const firstboot = readFileSync(
      join(dir, "rootfs/etc/systemd/system/meshgate-firstboot.service"),
      "utf8",
    );
    expect(firstboot).toMatch(/^Before=.*\bmeshgate\.service/m);
  });

  it("the boot test says why it skips when qemu is missing, and fails when told to require it", () => {
    const env = { ...process.env, PATH: "/nonexistent" };
    const r = spawnSync(process.execPath, [bootTest], { encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^image boot test SKIPPED: qemu-system-aarch64 not found/m);
    const req = spawnSync(process.execPath, [bootTest, "--require"], { encoding: "utf8", env });
    expect(req.status).toBe(3);
  });
});

const wanted = process.env.MESHGATE_IMAGE_TEST === "1";
describe.skipIf(!wanted)("the built image under qemu-system-aarch64", () => {
  it("boots to READY, serves the UI and health, ingests simulated packets, keeps data over a reboot", () => {
    expect(existsSync(image), `${image}: run npm run image first`).toBe(true);
    const r = spawnSync(process.execPath, [bootTest, "--require"], {
      encoding: "utf8",
      timeout: 2_400_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/first boot to READY \.\.\. ok/);
    expect(out).toMatch(/stored observations kept across the reboot \.\.\. ok/);
    expect(out).toMatch(/^PASS image boot test/m);
  }, 2_500_000);
});
