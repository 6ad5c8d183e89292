/** The ustar writer: what it builds, GNU tar lists and extracts byte for byte. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  TAR_BLOCK,
  TAR_MAX_SIZE,
  type TarEntry,
  tarEnd,
  tarHeader,
  tarPadding,
  tarSize,
} from "../../daemon/core/tar.ts";

function archive(files: readonly { entry: TarEntry; data: Uint8Array }[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const f of files) parts.push(tarHeader(f.entry), f.data, tarPadding(f.data.length));
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

describe("tar writer", () => {
  const long = `${"d".repeat(120)}/${"f".repeat(90)}.sqlite`;
  const files = [
    { name: "meshgate.sqlite", data: Buffer.from("hot database bytes\n") },
    { name: "meshgate.sqlite.archive/2026-12-01.sqlite", data: Buffer.alloc(TAR_BLOCK, 7) },
    { name: "empty", data: Buffer.alloc(0) },
    { name: long, data: Buffer.alloc(1500, 0xab) },
  ].map((f) => ({
    entry: { name: f.name, size: f.data.length, mtimeMs: Date.UTC(2026, 11, 6, 8, 30) },
    data: f.data,
  }));

  it("sizes the archive as it writes it", () => {
    const tar = archive(files);
    expect(tar.length).toBe(tarSize(files.map((f) => f.entry)));
    expect(tar.length % TAR_BLOCK).toBe(0);
  });

  it("GNU tar lists every entry with its size and date, and extracts the same bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "meshgate-tar-"));
    try {
      const file = join(dir, "t.tar");
      writeFileSync(file, archive(files));
      const listing = execFileSync("tar", ["-tvf", file, "--utc"], { encoding: "utf8" })
        .trim()
        .split("\n");
      expect(listing).toHaveLength(files.length);
      files.forEach((f, i) => {
        const line = listing[i] ?? "";
        expect(line.startsWith("-rw-r--r--")).toBe(true);
        expect(line).toContain(` ${f.entry.size} 2026-12-06 08:30 `);
        expect(line.endsWith(f.entry.name)).toBe(true);
      });
      execFileSync("tar", ["-xf", file, "-C", dir]);
      for (const f of files) expect(readFileSync(join(dir, f.entry.name))).toEqual(f.data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses names that would escape or not fit, and sizes the header cannot hold", () => {
    const at = 0;
    for (const name of ["../etc/passwd", "/abs", "a//b", "a/../b", "sp ace", "", "x".repeat(101)])
      expect(() => tarHeader({ name, size: 1, mtimeMs: at }), name).toThrow(RangeError);
    expect(() => tarHeader({ name: "a", size: TAR_MAX_SIZE + 1, mtimeMs: at })).toThrow(RangeError);
    expect(() => tarHeader({ name: "a", size: -1, mtimeMs: at })).toThrow(RangeError);
    expect(tarHeader({ name: "a", size: TAR_MAX_SIZE, mtimeMs: at })).toHaveLength(TAR_BLOCK);
  });

  it("pads content to whole blocks", () => {
    expect(tarPadding(0)).toHaveLength(0);
    expect(tarPadding(1)).toHaveLength(511);
    expect(tarPadding(512)).toHaveLength(0);
    expect(tarPadding(513)).toHaveLength(511);
  });
});
