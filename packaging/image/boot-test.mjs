// `npm run image:test`: boots the Raspberry Pi image under
// qemu-system-aarch64 -M virt with the image's own kernel, initramfs and root
// file system (virtio disk, user networking, the UI port forwarded to the
// host), the way an operator uses it: a meshgate.yaml (simulator on) is put
// on the FAT boot partition first, the "card" is 1 GiB larger than the image.
// Checks from the host: meshgate READY (systemd's "Started meshgate.service"
// on the console), /api/health ok, the UI answers, simulated packets arrive,
// meshgate.yaml was applied; then a clean power-off and a second boot keep
// the stored observations, and the data partition was grown to the end of
// the card. Prints each step with its time.
//
//   node packaging/image/boot-test.mjs [--image FILE.img.xz|FILE.img] [--require] [--keep]
//
// Without qemu-system-aarch64 it prints why it skipped and exits 0 (3 with
// --require). Exit 1 on the first failure.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../..");
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const image = resolve(opt("--image") ?? join(root, `release/meshgate-${version}-rpi-arm64.img.xz`));
const t0 = performance.now();
const secs = (from) => ((performance.now() - from) / 1000).toFixed(1);
let stepNo = 0;

function skip(why) {
  console.log(`image boot test SKIPPED: ${why}`);
  process.exit(args.includes("--require") ? 3 : 0);
}
function onPath(bin) {
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}
const qemu = onPath("qemu-system-aarch64");
if (!qemu) skip("qemu-system-aarch64 not found (apt-get install qemu-system-arm)");
for (const t of ["xz", "sfdisk", "mcopy"])
  if (!onPath(t)) skip(`${t} not found (apt-get install xz-utils fdisk mtools)`);
if (!existsSync(image)) skip(`no image at ${image} (npm run image builds it)`);

async function step(name, fn) {
  stepNo++;
  const s = performance.now();
  process.stdout.write(`[${stepNo}] ${name} ... `);
  try {
    const detail = await fn();
    console.log(`ok (${secs(s)} s)${detail ? `: ${detail}` : ""}`);
  } catch (err) {
    console.log(`FAILED after ${secs(s)} s`);
    console.error(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
    vm?.kill("SIGKILL");
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), "meshgate-image-test-"));
const disk = join(work, "card.img");
let vm = null;
process.on("exit", () => {
  if (vm && vm.exitCode === null) vm.kill("SIGKILL");
  if (!args.includes("--keep")) rmSync(work, { recursive: true, force: true });
});

/** Partition table of the card: start and size in bytes of each partition. */
function partitions() {
  const t = JSON.parse(
    execFileSync("sfdisk", ["--json", disk], { encoding: "utf8" }),
  ).partitiontable;
  const sector = t.sectorsize ?? 512;
  return t.partitions.map((p) => ({ start: p.start * sector, size: p.size * sector }));
}
const fat = () => `${disk}@@${partitions()[0].start}`;
const mtools = (cmd, ...a) =>
  execFileSync(cmd, ["-i", fat(), ...a], {
    encoding: "utf8",
    env: { ...process.env, MTOOLS_SKIP_CHECK: "1" },
  });

/** Size in bytes of the ext4 file system starting at `offset` (from its superblock). */
function ext4Size(offset) {
  const fd = openSync(disk, "r");
  const sb = Buffer.alloc(1024);
  readSync(fd, sb, 0, 1024, offset + 1024);
  closeSync(fd);
  if (sb.readUInt16LE(56) !== 0xef53) throw new Error("no ext4 superblock on the data partition");
  const blocks = sb.readUInt32LE(4) + sb.readUInt32LE(0x150) * 2 ** 32;
  return blocks * 2 ** (10 + sb.readUInt32LE(24));
}

/** arm64 kernels packed as EFI zboot are unpacked for qemu's -kernel; plain or gzip Images pass. */
function kernelFor(qemuFile) {
  const k = readFileSync(qemuFile);
  if (k.subarray(0, 2).toString() === "MZ" && k.subarray(4, 8).toString() === "zimg") {
    const off = k.readUInt32LE(8);
    const size = k.readUInt32LE(12);
    const comp = k.subarray(24, 32).toString().replace(/\0.*$/s, "");
    const payload = k.subarray(off, off + size);
    const out = join(work, "Image");
    if (comp === "gzip") writeFileSync(out, gunzipSync(payload));
    else {
      writeFileSync(`${out}.${comp}`, payload);
      execFileSync(comp === "zstd" ? "zstd" : comp, [
        "-d",
        "-q",
        "-f",
        `${out}.${comp}`,
        "-o",
        out,
      ]);
    }
    return out;
  }
  return qemuFile;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

let kernel = "";
let initrd = "";
let append = "";
await step("card image", () => {
  if (image.endsWith(".xz")) execFileSync("sh", ["-c", `xz -dc "${image}" > "${disk}"`]);
  else execFileSync("cp", ["--sparse=always", image, disk]); // an uncompressed .img
  const raw = statSync(disk).size;
  execFileSync("truncate", ["-s", "+1G", disk]);
  return `${image} -> ${(raw / 2 ** 20).toFixed(0)} MiB, card ${(raw / 2 ** 20 + 1024).toFixed(0)} MiB`;
});
await step("boot partition: kernel, initramfs, meshgate.yaml", () => {
  const files = mtools("mdir", "-b", "::/")
    .split("\n")
    .map((l) => l.replace(/^::\//, "").trim())
    .filter(Boolean);
  const vmlinuz = files.find((f) => /^vmlinuz-/.test(f));
  const initramfs = files.find((f) => /^initrd\.img-/.test(f));
  if (!vmlinuz || !initramfs) throw new Error(`no vmlinuz-*/initrd.img-* among ${files.join(" ")}`);
  mtools("mcopy", `::/${vmlinuz}`, join(work, "vmlinuz"));
  mtools("mcopy", `::/${initramfs}`, join(work, "initrd"));
  kernel = kernelFor(join(work, "vmlinuz"));
  initrd = join(work, "initrd");
  const cmdline = mtools("mtype", "::/cmdline.txt").trim();
  const rootArg = /\broot=\S+/.exec(cmdline)?.[0];
  if (rootArg !== "root=LABEL=RASPIROOT") throw new Error(`cmdline.txt has ${rootArg}: ${cmdline}`);
  // The Pi's serial console is ttyS1/ttyAMA0 per model; qemu virt's is ttyAMA0.
  // systemd.show_status=1 and the journal forwarded to the console: the
  // console keeps showing systemd's "Started meshgate.service" (its READY=1)
  // after the login prompt, however late it comes under emulation, and
  // meshgate's own log is there when something fails.
  append = `${rootArg} rw rootwait console=ttyAMA0 net.ifnames=0 systemd.show_status=1 systemd.journald.forward_to_console=1`;
  const yaml = [
    "configVersion: 1",
    "gateway:",
    "  name: image-test",
    "  iata: TST",
    "radios: []",
    "simulator:",
    "  enabled: true",
    "store:",
    "  dataDir: /var/lib/meshgate",
    "http:",
    "  host: 0.0.0.0",
    "  port: 8080",
    "",
  ].join("\n");
  writeFileSync(join(work, "meshgate.yaml"), yaml);
  mtools("mcopy", join(work, "meshgate.yaml"), "::/meshgate.yaml");
  return `${vmlinuz}, ${initramfs}, ${cmdline}`;
});

/** Boots the card; resolves when systemd reports meshgate.service started (READY=1). */
async function boot(label) {
  const port = await freePort();
  const monitor = join(work, "monitor.sock");
  const qargs = [
    ...["-M", "virt", "-cpu", "cortex-a72", "-smp", "2", "-m", "1024"],
    ...["-accel", "tcg,thread=multi", "-display", "none", "-serial", "stdio"],
    ...["-monitor", `unix:${monitor},server,nowait`],
    ...["-kernel", kernel, "-initrd", initrd, "-append", append],
    ...[
      "-drive",
      `if=none,id=card,format=raw,file=${disk}`,
      "-device",
      "virtio-blk-pci,drive=card",
    ],
    ...["-netdev", `user,id=net,hostfwd=tcp:127.0.0.1:${port}-:8080`],
    // No option ROM: the kernel is booted directly, no firmware network boot.
    ...["-device", "virtio-net-pci,netdev=net,romfile="],
  ];
  const started = performance.now();
  const child = spawn("nice", [qemu, ...qargs], { stdio: ["ignore", "pipe", "pipe"] });
  vm = child;
  // The console as it came, and as text: colour escapes are removed from
  // the whole buffer, since a chunk can end inside one. It also goes to
  // console-<label>.log in the work folder as it comes (kept with --keep),
  // so a slow or stuck boot can be watched.
  let raw = "";
  let log = "";
  const consoleLog = join(work, `console-${label}.log`);
  writeFileSync(consoleLog, "");
  const onData = (d) => {
    appendFileSync(consoleLog, d);
    raw += d.toString();
    if (raw.length > 1 << 20) raw = raw.slice(-(1 << 19));
    log = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const until = async (what, ms, test) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await test();
      if (v) return v;
      if (child.exitCode !== null)
        throw new Error(
          `qemu exited (${child.exitCode}) waiting for ${what}:\n${log.slice(-3000)}`,
        );
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await until(
    "meshgate.service started",
    900_000,
    () => /Started meshgate\.service/.test(log) || /Failed to start meshgate/.test(log),
  );
  if (/Failed to start meshgate/.test(log))
    throw new Error(`meshgate failed to start:\n${log.slice(-3000)}`);
  const readyS = secs(started);
  const url = `http://127.0.0.1:${port}`;
  const powerOff = async () => {
    // The monitor socket stays open until qemu exits (it closes it then);
    // the wait is on qemu's exit, not on the socket.
    const mon = await new Promise((res, rej) => {
      const s = connect(monitor, () => s.write("system_powerdown\n", () => res(s)));
      s.on("error", rej);
    });
    mon.on("error", () => {});
    await until("power-off", 300_000, () => child.exitCode !== null).finally(() => mon.destroy());
    if (!/reboot: Power down/.test(log))
      throw new Error(`no clean power-down:\n${log.slice(-2000)}`);
  };
  return { url, readyS, until, powerOff, log: () => log };
}

async function health(url) {
  const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) }).catch(
    () => null,
  );
  return r?.ok ? r.json() : null;
}

let first = null;
let kept = 0;
await step("first boot to READY", async () => {
  first = await boot("first");
  return `${first.readyS} s from qemu start (emulated arm64, no KVM)`;
});
await step("GET /api/health", async () => {
  const h = await first.until("status ok", 120_000, async () => {
    const j = await health(first.url);
    return j?.status === "ok" ? j : null;
  });
  return `status ${h.status}, version ${h.version}, node ${h.versions?.node}, engine ${h.versions?.engine}, ${h.store.observations} observations`;
});
await step("web UI", async () => {
  const r = await fetch(`${first.url}/`);
  const body = await r.text();
  if (!r.ok || !/<html/i.test(body)) throw new Error(`GET / -> ${r.status}`);
  return `GET / ${r.status}, ${body.length} bytes of HTML`;
});
await step("simulated packets arrive (meshgate.yaml from the boot partition applied)", async () => {
  const start = (await health(first.url))?.store.observations ?? 0;
  const h = await first.until("observations to rise", 180_000, async () => {
    const j = await health(first.url);
    return j && j.store.observations >= start + 5 ? j : null;
  });
  kept = h.store.observations;
  return `${start} -> ${kept} observations`;
});
await step("power off (systemd shutdown)", async () => {
  await first.powerOff();
  const files = mtools("mdir", "-b", "::/");
  if (!/meshgate\.yaml\.applied/.test(files))
    throw new Error("meshgate.yaml was not renamed .applied");
  if (/meshgate-error\.txt/.test(files)) throw new Error(mtools("mtype", "::/meshgate-error.txt"));
  return "meshgate.yaml.applied on the boot partition";
});
await step("data partition grown to the end of the card", () => {
  const parts = partitions();
  const data = parts[2];
  const card = statSync(disk).size;
  const end = data.start + data.size;
  if (card - end > 2 ** 20)
    throw new Error(
      `partition 3 ends ${((card - end) / 2 ** 20).toFixed(0)} MiB before the card's end`,
    );
  const fs = ext4Size(data.start);
  if (fs < data.size - 2 ** 20)
    throw new Error(`file system ${fs} bytes in a ${data.size} byte partition`);
  return `partition ${(data.size / 2 ** 20).toFixed(0)} MiB, ext4 ${(fs / 2 ** 20).toFixed(0)} MiB`;
});
// An update the way an operator without SSH does it: a newer meshgate .deb
// put on the boot partition is installed on the next boot, before meshgate
// starts. The release .deb is repacked with a higher version so dpkg takes
// the upgrade path (config kept, data kept, maintainer scripts run).
const updateDeb = resolve(
  opt("--update-deb") ?? join(root, `release/meshgate_${version}_arm64.deb`),
);
const updateVersion = `${version}+boottest1`;
let updateHasUws = false;
const updating = existsSync(updateDeb);
if (!updating) console.log(`update steps SKIPPED: no ${updateDeb} (npm run package builds it)`);
if (updating)
  await step("newer meshgate .deb put on the boot partition", () => {
    const tree = join(work, "update-deb");
    rmSync(tree, { recursive: true, force: true });
    execFileSync("dpkg-deb", ["-R", updateDeb, tree]);
    const control = join(tree, "DEBIAN/control");
    writeFileSync(
      control,
      readFileSync(control, "utf8").replace(/^Version: .*$/m, `Version: ${updateVersion}`),
    );
    const out = join(work, "meshgate_update_arm64.deb");
    execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "-b", tree, out], { stdio: "ignore" });
    updateHasUws = execFileSync("dpkg-deb", ["-c", out], { encoding: "utf8" }).includes(
      "uws_linux_arm64_",
    );
    mtools("mcopy", out, "::/meshgate_update_arm64.deb");
    return `${updateVersion} (${statSync(out).size} bytes${updateHasUws ? ", with uWS" : ""})`;
  });
let second = null;
await step("second boot to READY", async () => {
  second = await boot("second");
  return `${second.readyS} s`;
});
await step("stored observations kept across the reboot", async () => {
  const h = await second.until("health", 120_000, () => health(second.url));
  if (h.store.observations < kept)
    throw new Error(`${h.store.observations} observations after the reboot, ${kept} before`);
  return `${kept} before, ${h.store.observations} after`;
});
if (updating && updateHasUws)
  await step("the updated meshgate serves with uWebSockets.js (Debian 13, Node 24)", async () => {
    const h = await health(second.url);
    if (h?.engine !== "uws")
      throw new Error(`HTTP engine ${h?.engine}, not uws: ${h?.versions?.engine}`);
    return `engine ${h.versions.engine}`;
  });
await step("power off", () => second.powerOff());
if (updating)
  await step("update installed from the boot partition", () => {
    const files = mtools("mdir", "-b", "::/");
    const report = /meshgate-update\.txt/i.test(files)
      ? mtools("mtype", "::/meshgate-update.txt")
      : "";
    if (!/meshgate_update_arm64\.deb\.installed/.test(files))
      throw new Error(`the .deb was not installed: ${files}\n${report}`);
    if (!new RegExp(`^meshgate\\s+${updateVersion.replace("+", "\\+")}$`, "m").test(report))
      throw new Error(`meshgate-update.txt does not show ${updateVersion}:\n${report}`);
    return report
      .trim()
      .split("\n")
      .filter((l) => /^(update|meshgate|nodejs)/.test(l))
      .join("; ");
  });
console.log(`PASS image boot test in ${secs(t0)} s`);
