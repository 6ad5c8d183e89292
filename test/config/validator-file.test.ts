import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VALIDATOR_FILE, validatorFileText } from "../../daemon/config/validator-file.ts";

/**
 * The shipped validator is Ajv's standalone code for CONFIG_SCHEMA. A layer's
 * fragment changed without `npm run config-schema` fails here.
 */
describe("daemon/config/validate.generated.ts", () => {
  it("is Ajv's code for the composed schema, written out", () => {
    expect(readFileSync(VALIDATOR_FILE, "utf8")).toBe(validatorFileText());
  });

  it("reads the one schema object and names no require()", () => {
    const text = readFileSync(VALIDATOR_FILE, "utf8");
    expect(text).toContain('import { CONFIG_SCHEMA } from "./schema.ts";');
    expect(text).not.toContain("require(");
    expect(text).not.toContain('"$id":');
  });
});
