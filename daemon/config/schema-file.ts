/**
 * schema/config.schema.json is CONFIG_SCHEMA written out, for editors' YAML
 * validation and for readers of the package; it is never read back by the
 * daemon. Regenerate with `npm run config-schema` after changing a layer's
 * fragment (test/config/schema-file.test.ts fails until then).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONFIG_SCHEMA } from "./schema.ts";

export const SCHEMA_FILE = fileURLToPath(
  new URL("../../schema/config.schema.json", import.meta.url),
);

export function schemaFileText(): string {
  return `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
