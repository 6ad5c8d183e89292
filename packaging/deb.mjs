// The .deb for one target: the staged tree (glibc native builds only) in
// /usr/lib/meshgate, the launcher, unit, sysusers.d entry, config, and the
// files Debian asks of every package: copyright (packaging/copyright.mjs),
// changelog (packaging/deb/changelog), meshgate(8) (packaging/manpage.mjs)
// and md5sums. Library dependencies come from the native binaries
// (packaging/shlibdeps.mjs). Checked by test/packaging/lintian.test.ts.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { bundledPackageDirs, copyrightFile, packageDirOf } from "./copyright.mjs";
import { helpTexts, manPage } from "./manpage.mjs";
import { shlibDepends } from "./shlibdeps.mjs";
import { unitNodeFlags } from "./unit-flags.mjs";

/** Every regular file under `dir`, as absolute paths. */
function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function isElf(file) {
  const b = readFileSync(file);
  return b.length > 4 && b.readUInt32BE(0) === 0x7f454c46;
}

/**
 * The top changelog entry's version, maintainer and date; the build stops
 * when they disagree with package.json or the control file's Maintainer.
 */
export function changelogEntry(text) {
  const head = /^meshgate \(([^)]+)\) \S+; urgency=\S+$/m.exec(text);
  const trailer = /^ -- (.+ <[^>]+>) {2}(.+)$/m.exec(text);
  if (!head || !trailer) throw new Error("packaging/deb/changelog: no Debian changelog entry");
  const date = new Date(trailer[2]);
  if (Number.isNaN(date.getTime()))
    throw new Error(`packaging/deb/changelog: bad date ${trailer[2]}`);
  return { version: head[1], maintainer: trailer[1], date };
}

/** Gzip as Debian wants it for docs: maximum compression, no name, no timestamp. */
function gzip9n(text) {
  return gzipSync(Buffer.from(text), { level: 9 });
}

/** Installed-Size in KiB, counted as dpkg-gencontrol does: each file and directory rounded up. */
function installedSize(dir) {
  let kib = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    if (relative(dir, p).startsWith("DEBIAN")) continue;
    kib += e.isFile() ? Math.ceil(statSync(p).size / 1024) : 1;
  }
  return kib;
}

export function buildDeb({ root, out, pkg, target, t, stage }) {
  const name = `meshgate_${pkg.version}_${t.deb}`;
  const dir = join(out, name);
  const deb = (...p) => join(root, "packaging/deb", ...p);
  rmSync(dir, { recursive: true, force: true });
  const lib = join(dir, "usr/lib/meshgate");
  const staged = stage(target, lib, { deb: true });

  const control = readFileSync(deb("control"), "utf8");
  const maintainer = /^Maintainer: (.+)$/m.exec(control)?.[1] ?? "";
  const changelog = readFileSync(deb("changelog"), "utf8");
  const entry = changelogEntry(changelog);
  if (entry.version !== pkg.version || entry.maintainer !== maintainer) {
    throw new Error(
      `packaging/deb/changelog: top entry is ${entry.version} by ${entry.maintainer}; package.json says ${pkg.version}, control says ${maintainer}: add an entry`,
    );
  }

  const put = (path, content, mode = 0o644) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
    chmodSync(join(dir, path), mode);
  };
  put(
    "usr/bin/meshgate",
    `#!/bin/sh\nexec node ${unitNodeFlags().join(" ")} /usr/lib/meshgate/dist/meshgate.mjs "$@"\n`,
    0o755,
  );
  put("lib/systemd/system/meshgate.service", readFileSync(join(root, "systemd/meshgate.service")));
  put("usr/lib/sysusers.d/meshgate.conf", readFileSync(deb("sysusers.conf")));
  put("etc/meshgate/config.yaml", readFileSync(deb("config.yaml")));
  put("usr/share/doc/meshgate/README.md", readFileSync(join(root, "README.md")));
  put("usr/share/doc/meshgate/changelog.gz", gzip9n(changelog));
  const shipped = files(join(lib, "node_modules"))
    .map((f) => packageDirOf(f.replace(lib, root)))
    .filter((d) => d !== undefined);
  put(
    "usr/share/doc/meshgate/copyright",
    copyrightFile({
      root,
      pkg,
      contact: maintainer,
      dirs: [...bundledPackageDirs(join(root, "dist")), ...shipped],
    }),
  );
  const bundle = join(root, "dist/meshgate.mjs");
  put(
    "usr/share/man/man8/meshgate.8.gz",
    gzip9n(
      manPage({
        ...helpTexts(process.execPath, bundle),
        date: entry.date.toISOString().slice(0, 10),
        files: [
          ["/etc/meshgate/config.yaml", "The configuration (kept on upgrade)."],
          ["/var/lib/meshgate", "The packet store: journal and snapshots."],
          ["/lib/systemd/system/meshgate.service", "The systemd unit."],
          ["/usr/share/doc/meshgate/README.md", "Overview and first steps."],
        ],
      }),
    ),
  );

  // Under /usr/lib/meshgate only scripts (#!) are executable, whatever mode
  // npm gave the files (sql-wasm.wasm comes executable).
  for (const f of files(lib)) {
    const script = readFileSync(f).subarray(0, 2).toString("latin1") === "#!";
    chmodSync(f, script ? 0o755 : 0o644);
  }
  // The uWS binary is optional (loaded only where its glibc suffices): its
  // needs must not keep the package off systems that serve with node:http.
  const elf = files(lib).filter((f) => isElf(f) && !/\/uws_[^/]+\.node$/.test(f));
  const depends = shlibDepends(elf);

  mkdirSync(join(dir, "DEBIAN"), { recursive: true });
  writeFileSync(
    join(dir, "DEBIAN/control"),
    control
      .replace("@VERSION@", pkg.version)
      .replace("@ARCH@", t.deb)
      .replace("@SIZE@", String(installedSize(dir)))
      .replace(/^Depends: (.+)$/m, (_m, d) => `Depends: ${[d, ...depends].join(", ")}`),
  );
  writeFileSync(join(dir, "DEBIAN/conffiles"), "/etc/meshgate/config.yaml\n");
  const sums = files(dir)
    .filter((f) => !relative(dir, f).startsWith("DEBIAN") && !relative(dir, f).startsWith("etc/"))
    .map((f) => `${createHash("md5").update(readFileSync(f)).digest("hex")}  ${relative(dir, f)}`)
    .sort((a, b) => a.slice(34).localeCompare(b.slice(34)));
  writeFileSync(join(dir, "DEBIAN/md5sums"), `${sums.join("\n")}\n`);
  for (const script of ["postinst", "prerm", "postrm"]) {
    cpSync(deb(script), join(dir, "DEBIAN", script));
    chmodSync(join(dir, "DEBIAN", script), 0o755);
  }
  const file = join(out, `${name}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", dir, file], { stdio: "pipe" });
  rmSync(dir, { recursive: true, force: true });
  return { file, depends, elf: elf.map((f) => relative(dir, f)), ...staged };
}
