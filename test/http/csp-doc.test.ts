/** docs/api.md states the Content-Security-Policy the server sends, word for word. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CSP } from "../../daemon/http/security.ts";
import { REPO_ROOT } from "../support/paths.ts";

describe("docs/api.md", () => {
  it("quotes the served Content-Security-Policy exactly", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/api.md"), "utf8");
    const m = /`Content-Security-Policy: ([^`]+)`/.exec(doc);
    expect(m).not.toBeNull();
    expect(m![1]!.replace(/\s+/g, " ")).toBe(CSP);
  });
});
