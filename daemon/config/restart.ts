/**
 * Which settings apply live and which need a restart. The single source is the
 * `x-restart: true` keyword in schema/config.schema.json: a setting needs a
 * restart when it or any section above it carries the mark.
 */
import { CONFIG_SCHEMA } from "./schema.ts";

interface SchemaNode {
  readonly "x-restart"?: boolean;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
}

/** `path` is a list of keys from the root ("radios", 0, "serial", "path"). */
export function needsRestart(path: readonly (string | number)[], root = CONFIG_SCHEMA): boolean {
  let node: SchemaNode | undefined = root as SchemaNode;
  for (const key of path) {
    if (!node) return false;
    if (node["x-restart"]) return true;
    if (typeof key === "number") node = node.items;
    else {
      const extra: SchemaNode | boolean | undefined = node.additionalProperties;
      node = node.properties?.[key] ?? (typeof extra === "object" ? extra : undefined);
    }
  }
  return node?.["x-restart"] === true;
}

/** Every path of the schema that carries the mark (for the UI and docs). */
export function restartPaths(root = CONFIG_SCHEMA): string[] {
  const out: string[] = [];
  const walk = (node: SchemaNode, path: string): void => {
    if (node["x-restart"]) {
      out.push(path);
      return;
    }
    for (const [k, child] of Object.entries(node.properties ?? {}))
      walk(child, path ? `${path}.${k}` : k);
  };
  walk(root as SchemaNode, "");
  return out;
}
