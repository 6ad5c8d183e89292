import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA } from "../../daemon/config/schema.ts";
import { SCHEMA_FILE } from "../../daemon/config/schema-file.ts";

/**
 * The layers' fragments are the source; the shipped JSON file is their
 * composition written out. A fragment changed without `npm run config-schema`
 * fails here.
 */
describe("schema/config.schema.json", () => {
  it("is the composed schema, written out", () => {
    // Compared as data: the file is laid out by the formatter.
    expect(JSON.parse(readFileSync(SCHEMA_FILE, "utf8"))).toEqual(CONFIG_SCHEMA);
  });
});
