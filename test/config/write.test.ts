/**
 * A merge patch written into the operator's YAML keeps every comment, the
 * key order and what it did not touch; the file is replaced atomically with
 * the old one kept as a backup.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyMergePatch } from "../../daemon/config/patch.ts";
import {
  maskDocument,
  parseConfigText,
  patchDocument,
  writeFileAtomic,
} from "../../daemon/config/write.ts";
import { REPO_ROOT as ROOT } from "../support/paths.ts";

const comments = (text: string): string[] =>
  text
    .split("\n")
    .filter((l) => l.includes("#"))
    .map((l) => l.slice(l.indexOf("#")).trim())
    .filter((c) => !c.startsWith("#test") && !c.startsWith("#club"));

const PATCH = {
  gateway: { name: "ridge", lat: 51.25, lon: null },
  log: { level: "debug" },
  http: { port: 8090 },
  radios: [{ id: "main", driver: "companion", serial: { path: "/dev/ttyACM0", baud: 115200 } }],
  channels: [{ name: "#club" }],
  mqtt: { brokers: [{ id: "home", url: "mqtt://127.0.0.1:1883" }] },
};

describe("patchDocument", () => {
  for (const file of ["packaging/deb/config.yaml", "packaging/openwrt/lowmem.yaml"]) {
    it(`keeps every comment of ${file} and gives the merge patch's data`, () => {
      const before = readFileSync(join(ROOT, file), "utf8");
      const doc = parseConfigText(before, file);
      patchDocument(doc, PATCH);
      const after = doc.toString();
      expect(comments(before).length).toBeGreaterThan(2);
      for (const c of comments(before)) expect(after).toContain(c);
      expect(parse(after)).toEqual(applyMergePatch(parse(before), PATCH));
    });
  }

  it("keeps comments on list items it updates in place and removes what null removes", () => {
    const text = [
      "channels:",
      "  - name: '#a' # first",
      "  # about b",
      "  - name: b",
      "    key: 00112233445566778899aabbccddeeff # b's key",
      "gateway:",
      "  lat: 5 # here",
      "  lon: 6",
      "",
    ].join("\n");
    const doc = parseConfigText(text, "t");
    patchDocument(doc, {
      channels: [{ name: "#a" }, { name: "b", key: "ffeeddccbbaa99887766554433221100" }],
      gateway: { lon: null, lat: 7 },
    });
    const out = doc.toString();
    expect(out).toContain("'#a' # first");
    expect(out).toContain("# about b");
    expect(out).toContain("ffeeddccbbaa99887766554433221100 # b's key");
    expect(out).toContain("lat: 7 # here");
    expect(out).not.toContain("lon");
  });

  it("masks secrets for download and keeps the comments", () => {
    const doc = parseConfigText(
      "http:\n  token: abcdefghijklmnopqrstuvwxyz # the token\nmqtt:\n  brokers:\n    - id: a\n      url: mqtt://u:p4ss@h:1883\n",
      "t",
    );
    maskDocument(doc);
    const out = doc.toString();
    expect(out).toContain('token: "***" # the token');
    expect(out).toContain("mqtt://***@h:1883");
    expect(out).not.toMatch(/abcdefghijkl|p4ss/);
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file and keeps the previous one as .bak", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshgate-write-"));
    try {
      const f = join(dir, "config.yaml");
      writeFileSync(f, "old: 1\n", { mode: 0o640 });
      await writeFileAtomic(f, "new: 2\n");
      expect(readFileSync(f, "utf8")).toBe("new: 2\n");
      expect(readFileSync(`${f}.bak`, "utf8")).toBe("old: 1\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
