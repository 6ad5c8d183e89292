import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bundledPackageDirs,
  copyrightFile,
  copyrightLines,
  dep5License,
  FORMAT,
} from "../../packaging/copyright.mjs";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

/** Debian's own parser (python3-debian), when installed: an independent reading of the format. */
const PY = "/usr/bin/python3";
const hasPythonDebian = spawnSync(PY, ["-c", "import debian.copyright"]).status === 0;
if (!hasPythonDebian) {
  console.log("copyright: python3-debian absent, strict parse by Debian's parser skipped");
}

/** The .deb's machine-readable copyright file (packaging/copyright.mjs). */
describe("copyright lines and licence names", () => {
  it("takes the holders from a licence file's copyright lines only", () => {
    const text = [
      "# Copyright (c) 2015 Calvin Metcalf",
      "Copyright 2019 Someone Else",
      "Copyright Eemeli Aro <eemeli@gmail.com>",
      "(c) You must retain, in the Source form of any Derivative Works",
      "Copyright [yyyy] [name of copyright owner]",
      "copyright, patent, trademark, and attribution notices",
      "Copyright notice and this permission notice shall be included",
      "The above copyright notice",
    ].join("\n");
    expect(copyrightLines(text)).toEqual([
      "2015 Calvin Metcalf",
      "2019 Someone Else",
      "Eemeli Aro <eemeli@gmail.com>",
    ]);
  });

  it("writes SPDX expressions as DEP-5 short names", () => {
    expect(dep5License("MIT")).toBe("Expat");
    expect(dep5License("(MIT OR CC0-1.0)")).toBe("Expat or CC0-1.0");
    expect(dep5License("BSD-3-Clause AND ISC")).toBe("BSD-3-Clause and ISC");
  });
});

describe("the generated copyright file", () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
  // The bundles the global setup built.
  const bundled = bundledPackageDirs(join(REPO_ROOT, "dist"));
  const text = copyrightFile({
    root: REPO_ROOT,
    pkg,
    contact: "meshgate maintainers <maintainers@meshgate.invalid>",
    dirs: [...bundled, join(REPO_ROOT, "node_modules/@serialport/bindings-cpp")],
  });
  const paragraphs = text.trimEnd().split("\n\n");
  const field = (p: string, name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(p)?.[1];

  it("names every npm package the bundles were built from", () => {
    const names = bundled.map((d) => d.slice(d.lastIndexOf("node_modules/") + 13));
    for (const dep of ["mqtt", "ajv", "yaml", "sql.js", "ws", "preact", "leaflet", "uplot"]) {
      expect(names).toContain(dep);
    }
    for (const d of bundled) {
      const rel = d.slice(REPO_ROOT.length + 1);
      expect(text, rel).toContain(`\nFiles: ${rel}/*\n`);
    }
    expect(text).toContain("Files: node_modules/@serialport/bindings-cpp/*");
  });

  it("is well-formed copyright-format 1.0", () => {
    expect(field(paragraphs[0] ?? "", "Format")).toBe(FORMAT);
    const files = paragraphs.filter((p) => p.startsWith("Files: "));
    expect(new Set(files.map((p) => field(p, "Files"))).size).toBe(files.length);
    const standalone = new Set(
      paragraphs.filter((p) => p.startsWith("License: ")).map((p) => field(p, "License")),
    );
    for (const p of files) {
      expect(field(p, "Copyright")?.trim(), p).toBeTruthy();
      const license = field(p, "License");
      expect(license, p).toBeTruthy();
      // A License field without its text needs a stand-alone License paragraph.
      const hasText = /^License: .*\n [^\n]/m.test(p);
      if (!hasText) expect(standalone, p).toContain(license);
    }
    // Continuation lines start with a space; empty lines inside a field are " .".
    for (const line of text.split("\n")) {
      expect(line, line).toMatch(/^($|[A-Z][A-Za-z-]*: | \S| {2})/);
    }
    expect(text).toMatch(/Files: node_modules\/sql\.js\/\*[\s\S]*?SQLite[^\n]*public domain/);
  });

  it.skipIf(!hasPythonDebian)("parses with python3-debian's strict parser, no warnings", () => {
    const file = join(tempDir("meshgate-copyright-"), "copyright");
    writeFileSync(file, text);
    const script = [
      "import sys, warnings",
      "warnings.simplefilter('error')",
      "from debian import copyright",
      "c = copyright.Copyright(open(sys.argv[1]), strict=True)",
      "print(c.find_files_paragraph('node_modules/mqtt/build/lib/client.js').license.synopsis)",
      "print(c.find_files_paragraph('daemon/main.ts').files[0])",
    ].join("\n");
    const r = spawnSync(PY, ["-c", script, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("Expat\n*\n");
  });
});
