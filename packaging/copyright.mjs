// /usr/share/doc/meshgate/copyright in Debian's machine-readable format
// (copyright-format 1.0), generated from what the package really contains:
// the npm packages esbuild bundled into dist/ (read from the bundles' source
// maps, so a dependency added or dropped changes the file by itself) and the
// packages shipped as they are under usr/lib/meshgate/node_modules. Each
// package's paragraph takes its licence from the package.json "license"
// field and its text and copyright lines from the package's licence file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/";

/** SPDX identifiers as DEP-5 short names (DEP-5 asks for "Expat" for the MIT licence). */
const SHORT_NAME = { MIT: "Expat" };

/** Licences Debian ships in /usr/share/common-licenses: referenced, not copied. */
const COMMON_LICENSES = new Set(["Apache-2.0", "MPL-2.0", "CC0-1.0", "GPL-2", "GPL-3", "LGPL-2.1"]);

/**
 * Standard (SPDX) texts for licences whose packages ship no licence file
 * (pmtiles and @protomaps/basemaps, bundled into the web UI's map chunk).
 */
const STANDARD_TEXTS = {
  "BSD-3-Clause": `Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
this list of conditions and the following disclaimer in the documentation
and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors
may be used to endorse or promote products derived from this software without
specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`,
};

/** meshgate's own licence (package.json says MIT; the repository has no licence file). */
const EXPAT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** The SQLite library sql.js compiles into sql-wasm.wasm carries no licence but a dedication. */
const SQLITE_NOTE =
  "sql-wasm.wasm contains the SQLite library, which its authors have dedicated to the public domain (https://sqlite.org/copyright.html).";

/** The package folder (…/node_modules/<name> or …/node_modules/@scope/<name>) a bundled file came from. */
export function packageDirOf(file) {
  const i = file.lastIndexOf("/node_modules/");
  if (i < 0) return undefined;
  const rest = file.slice(i + "/node_modules/".length).split("/");
  const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  return `${file.slice(0, i)}/node_modules/${name}`;
}

/** Package folders whose files esbuild put into the bundles under `dist`, from their source maps. */
export function bundledPackageDirs(dist) {
  const maps = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".map")) maps.push(join(dir, e.name));
    }
  };
  walk(dist);
  if (!maps.some((m) => m.endsWith("meshgate.mjs.map"))) {
    throw new Error(`${dist}/meshgate.mjs.map missing: the copyright file is generated from it`);
  }
  const dirs = new Set();
  for (const map of maps) {
    const { sources, sourceRoot = "" } = JSON.parse(readFileSync(map, "utf8"));
    for (const s of sources) {
      const dir = packageDirOf(resolve(dirname(map), sourceRoot, s));
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs];
}

/** SPDX expression -> DEP-5 License field value ("(MIT OR CC0-1.0)" -> "Expat or CC0-1.0"). */
export function dep5License(spdx) {
  return spdx
    .replace(/[()]/g, "")
    .split(/\s+(OR|AND)\s+/)
    .map((t) => (t === "OR" ? "or" : t === "AND" ? "and" : (SHORT_NAME[t] ?? t)))
    .join(" ");
}

function licenseFile(dir) {
  const f = readdirSync(dir)
    .filter((n) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(n))
    .sort()[0];
  return f ? join(dir, f) : undefined;
}

function authorOf(pkg) {
  const a = pkg.author;
  const name = typeof a === "string" ? a.replace(/\s*[<(].*$/, "") : a?.name;
  return name?.trim() || undefined;
}

/** Copyright lines of a licence text, without the word "Copyright" and "(c)". */
export function copyrightLines(text) {
  return (
    text
      .split("\n")
      // Markdown licence files put the line in a heading or in bold.
      .map((l) => l.replace(/^[#*\s]+|[*\s]+$/g, ""))
      // "Copyright (c) 2015 Name", "Copyright 2015 Name", "Copyright Name", "(c) 2015 Name";
      // not Apache's "(c) You must retain" or "Copyright [yyyy] [name of copyright owner]".
      .filter(
        (l) =>
          /^copyright\s*(\(c\)|©)/i.test(l) ||
          /^Copyright\s+[A-Z0-9]/.test(l) ||
          /^(\(c\)|©)\s*\d{4}/i.test(l),
      )
      .filter((l) => !/^copyright (notice|holders?|owner)/i.test(l))
      .map((l) => l.replace(/^(copyright\s*)?(\(c\)|©)?\s*/i, "").trim())
      .filter((l) => l.length > 0)
  );
}

/** A field value's continuation lines: one space, "." for an empty line. */
function body(text) {
  return text
    .replace(/\r/g, "")
    .replace(/\t/g, "    ")
    .trim()
    .split("\n")
    .map((l) => (l.trim() === "" ? " ." : ` ${l.trimEnd()}`))
    .join("\n");
}

/** One Files paragraph for an npm package folder. */
export function packageParagraph(root, dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const spdx = typeof pkg.license === "string" ? pkg.license : pkg.licenses?.[0]?.type;
  if (!spdx) throw new Error(`${dir}: package.json has no license field`);
  const license = dep5License(spdx);
  const file = licenseFile(dir);
  const text = file ? readFileSync(file, "utf8") : "";
  const holders = copyrightLines(text);
  const copyright = holders.length > 0 ? holders : [authorOf(pkg) ?? `the ${pkg.name} authors`];
  const rel = relative(root, dir);
  const lines = [
    `Files: ${rel}/*`,
    `Copyright: ${copyright[0]}${copyright
      .slice(1)
      .map((c) => `\n ${c}`)
      .join("")}`,
  ];
  const ids = license.split(/ (?:or|and) /);
  if (ids.every((id) => COMMON_LICENSES.has(id))) {
    lines.push(
      `License: ${license}`,
      body(
        ids
          .map((id) => `On Debian systems the full text is in /usr/share/common-licenses/${id}.`)
          .join("\n"),
      ),
    );
  } else if (file) {
    lines.push(`License: ${license}`, body(text));
  } else if (STANDARD_TEXTS[spdx]) {
    lines.push(`License: ${license}`, body(STANDARD_TEXTS[spdx]));
  } else {
    throw new Error(`${dir}: no licence file to copy the ${spdx} text from`);
  }
  const comment = [`${pkg.name} ${pkg.version}`];
  if (pkg.name === "sql.js") comment.push(SQLITE_NOTE);
  lines.push(`Comment: ${comment.join(". ")}`);
  return lines.join("\n");
}

/**
 * The copyright file. `dirs` are the package folders (bundled or shipped);
 * their paths in the file are relative to `root`, the meshgate source tree;
 * `contact` is the Maintainer field.
 */
export function copyrightFile({ root, pkg, contact, dirs }) {
  if (pkg.license !== "MIT")
    throw new Error(`meshgate's licence is ${pkg.license}: update EXPAT_TEXT`);
  const unique = [...new Set(dirs)].filter((d) => existsSync(join(d, "package.json"))).sort();
  const head = [
    `Format: ${FORMAT}`,
    `Upstream-Name: ${pkg.name}`,
    `Upstream-Contact: ${contact}`,
    `Comment: Generated by packaging/copyright.mjs when the package is built. Paths are those of
 the meshgate source tree with its npm dependencies installed in node_modules/:
 the packages below are bundled into usr/lib/meshgate/dist/ or shipped under
 usr/lib/meshgate/node_modules/.`,
  ].join("\n");
  const own = [
    "Files: *",
    "Copyright: meshgate developers",
    `License: ${dep5License(pkg.license)}`,
  ].join("\n");
  const paragraphs = [head, own, ...unique.map((d) => packageParagraph(root, d))];
  paragraphs.push(`License: ${dep5License(pkg.license)}\n${body(EXPAT_TEXT)}`);
  return `${paragraphs.join("\n\n")}\n`;
}
