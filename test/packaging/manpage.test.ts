import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HELP } from "../../daemon/cli/main.ts";
import { SIMULATE_HELP } from "../../daemon/cli/simulate.ts";
import { manPage, parseHelp, roff } from "../../packaging/manpage.mjs";
import { tempDir } from "../support/paths.ts";

/** meshgate(8) is generated from the CLI's help texts (packaging/manpage.mjs). */
const page = manPage({
  help: HELP,
  subcommands: { simulate: SIMULATE_HELP },
  date: "2026-12-06",
  files: [["/etc/meshgate/config.yaml", "The configuration."]],
});

describe("meshgate(8) from the CLI help", () => {
  it("has the title, name and synopsis from the help's first lines", () => {
    const h = parseHelp(HELP);
    expect(page).toContain(`.TH MESHGATE 8 "2026-12-06" "meshgate ${h.version}"`);
    expect(page).toMatch(/^\.SH NAME\nmeshgate \\- MeshCore LoRa gateway daemon$/m);
    expect(page).toMatch(/^\.SH SYNOPSIS\n\\fBmeshgate\\fR \[command\] \[options\]$/m);
  });

  it("lists every command and every option the help lists", () => {
    const commands = [...HELP.matchAll(/^ {2}([a-z]+(?: [a-z]+)?)(?= {2,}| <|$| [A-Z])/gm)].map(
      (m) => m[1] ?? "",
    );
    expect(commands).toEqual(expect.arrayContaining(["run", "config check", "decode", "doctor"]));
    for (const c of commands) {
      const [first = "", ...rest] = c.split(" ");
      expect(page, c).toContain(`.TP\n\\fB${first}\\fR${rest.length ? ` ${rest.join(" ")}` : ""}`);
    }
    const flags = new Set([...HELP.matchAll(/(?<=\s)--([a-z-]+)/g)].map((m) => m[1] ?? ""));
    expect(flags.size).toBeGreaterThan(8);
    // Leading dashes are roff minus signs (\-), inner ones hyphens.
    for (const f of flags) expect(page, f).toContain(`\\-\\-${f}`);
    expect(page).toContain('.SS "meshgate simulate"');
    expect(page).toContain("[\\-\\-allow-key-export]");
  });

  it("escapes roff control characters", () => {
    expect(roff(".leading dot")).toBe("\\&.leading dot");
    expect(roff("a\\b")).toBe("a\\eb");
    expect(roff("use --json or -h")).toBe("use \\-\\-json or \\-h");
    expect(roff("built-in")).toBe("built-in");
  });

  it("refuses help text it cannot read rather than writing a wrong page", () => {
    expect(() => parseHelp("something else\nUsage: x\n")).toThrow(/unexpected first line/);
    expect(() => parseHelp("meshgate 1.0 - x\n\nno usage\n")).toThrow(/no Usage line/);
  });

  const hasMan = spawnSync("sh", ["-c", "command -v man"]).status === 0;
  it.skipIf(!hasMan)("renders without groff warnings, as lintian checks it", () => {
    const file = join(tempDir("meshgate-man-"), "meshgate.8");
    writeFileSync(file, page);
    const r = spawnSync("man", ["--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", file], {
      encoding: "utf8",
      env: { ...process.env, MANWIDTH: "80", LC_ALL: "C.UTF-8" },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
