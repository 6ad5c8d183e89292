/**
 * Command-line parsing: a flag a command does not declare is a usage error
 * (exit 2 and the usage line), never silently ignored; `doctor | head` ends
 * quietly instead of dying with an EPIPE stack.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../daemon/cli/args.ts";
import { runCli, USAGE_LINE } from "../../daemon/cli/main.ts";
import { REPO_ROOT, tempDir } from "../support/paths.ts";

function io() {
  let out = "";
  let err = "";
  return {
    io: {
      stdin: new PassThrough(),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    },
    out: () => out,
    err: () => err,
  };
}

describe("unknown flags", () => {
  it.each([
    ["run", "--prot", "18107"],
    ["config", "show", "--dat-dir", "/x"],
    ["doctor", "--verbose"],
    ["backup", "f.sqlite", "--force"],
    ["decode", "--jsn", "00"],
    ["simulate", "--firmwar", "kiss"],
    ["run", "-x"],
    ["--prot=1"],
  ])("%s %s is refused with the usage line and exit 2", async (...argv) => {
    const t = io();
    expect(await runCli(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(/unknown option -/);
    expect(t.err()).toContain(USAGE_LINE);
  });

  it("a switch given a value is refused", async () => {
    const t = io();
    expect(await runCli(["run", "--simulator=yes"], t.io)).toBe(2);
    expect(t.err()).toContain("--simulator takes no value");
  });

  it("declared flags still parse, with and without =", async () => {
    const t = io();
    const dir = tempDir();
    const code = await runCli(
      ["config", "check", "--port=18107", "--data-dir", join(dir, "d"), "--no-simulator"],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out()).toContain(":18107");
    expect(t.out()).toContain("simulator: off");
  });

  it("parseArgs without a closed set still accepts anything (commands that parse for themselves)", () => {
    expect(parseArgs(["--whatever", "x"], new Set()).flags.get("whatever")).toBe(true);
    expect(() => parseArgs(["--whatever"], new Set(), new Set(["json"]))).toThrow(UsageError);
  });
});

describe("doctor | head", () => {
  it("ends without an EPIPE stack when the reader stops early", () => {
    const dir = tempDir();
    const main = join(REPO_ROOT, "daemon/main.ts");
    // head -1 exits after doctor's first line, before the checks print.
    const r = spawnSync(
      "sh",
      [
        "-c",
        `"${process.execPath}" --import tsx "${main}" doctor --data-dir "${dir}/data" | head -1`,
      ],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stdout).toMatch(/^meshgate doctor/);
    expect(r.stderr).not.toMatch(/EPIPE|Error:|at /);
  }, 70_000);
});
