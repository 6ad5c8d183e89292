/**
 * The settings tables in the docs ("| key | default | meaning |") and the
 * list of restart-only settings in docs/setup.md are checked against the
 * composed config schema, so the docs cannot name a setting that does not
 * exist, give a default the schema does not have, or call live what needs a
 * restart.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { restartPaths } from "../../daemon/config/restart.ts";
import { CONFIG_SCHEMA } from "../../daemon/config/schema.ts";

interface Node {
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly items?: Node;
}

const ROOT = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, ROOT), "utf8");

/** Each table and the section its relative keys live in, in the order the file has them. */
const TABLES: readonly { file: string; prefixes: readonly string[] }[] = [
  { file: "README.md", prefixes: [""] },
  { file: "docs/api.md", prefixes: ["http."] },
  { file: "docs/radios.md", prefixes: ["radios[]."] },
  { file: "docs/mqtt.md", prefixes: ["mqtt.brokers[].", "mqtt.summaries."] },
  { file: "docs/simulator.md", prefixes: [""] },
];

/** The schema node of a documented key: `a.b`, `list[]`, `list[].x`, `section.*`. */
function lookup(key: string): Node | undefined {
  let node: Node | undefined = CONFIG_SCHEMA as Node;
  for (const part of key.split(".")) {
    if (!node || part === "*") break;
    const name = part.replace(/\[\]$/, "");
    node = node.properties?.[name];
    if (node && part.endsWith("[]") && key.indexOf(`${part}.`) >= 0) node = node.items;
  }
  return node;
}

/** Every default in a schema subtree (for descriptive cells such as "40 nodes, 1.5 packets/s"). */
function defaultsIn(node: Node | undefined, out: unknown[] = []): unknown[] {
  if (!node) return out;
  if ("default" in node) out.push(node.default);
  for (const child of Object.values(node.properties ?? {})) defaultsIn(child, out);
  if (node.items) defaultsIn(node.items, out);
  return out;
}

interface Row {
  readonly file: string;
  readonly keys: string[];
  readonly cell: string;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const { file, prefixes } of TABLES) {
    const tables = read(file)
      .split(/^\|\s*key\s*\|\s*default\s*\|.*$/m)
      .slice(1);
    expect(tables.length, `${file}: settings tables`).toBe(prefixes.length);
    tables.forEach((text, i) => {
      for (const line of text.split("\n").slice(1)) {
        if (!line.startsWith("|")) break;
        const [, keyCell = "", cell = ""] = line.split("|").map((c) => c.trim());
        const keys = [...keyCell.matchAll(/`([^`]+)`/g)].flatMap((m) => {
          const key = `${prefixes[i]}${m[1]}`;
          // `gateway.lat/lon` names two settings.
          const alt = /^(.*\.)([^./]+)\/([^./]+)$/.exec(key);
          return alt ? [`${alt[1]}${alt[2]}`, `${alt[1]}${alt[3]}`] : [key];
        });
        out.push({ file, keys, cell });
      }
    });
  }
  return out;
}

/**
 * A default cell's value: `x` code spans as YAML, a trailing "(...)" remark
 * dropped; "none" is an empty list or no value; a channel is named by its name.
 */
function value(part: string, schemaDefault: unknown): unknown {
  const text = part.replace(/\s*\([^)]*\)$/, "").replace(/`/g, "");
  if (text === "none") return Array.isArray(schemaDefault) ? [] : undefined;
  const v: unknown = text.startsWith("#") ? text : parse(text);
  const named = Array.isArray(schemaDefault) && schemaDefault.every((d) => d?.name !== undefined);
  return named && !Array.isArray(v) ? [{ name: v }] : v;
}

describe("settings documented in the docs", () => {
  const all = rows();

  it("finds the tables", () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it.each(all.map((r) => [r.keys.join(", "), r] as const))("%s exists in the schema", (_, r) => {
    for (const key of r.keys) expect(lookup(key), `${r.file}: ${key}`).toBeDefined();
  });

  it.each(all.map((r) => [r.keys.join(", "), r] as const))(
    "%s: the documented default is the schema's",
    (_, r) => {
      const parts = r.cell.split(/,\s*(?![^[{]*[\]}])/);
      const nodes = r.keys.map(lookup);
      const exact =
        parts.length === r.keys.length &&
        r.keys.every((k) => !k.endsWith("*")) &&
        nodes.every((n) => n && "default" in n && n.default !== undefined);
      if (exact) {
        parts.forEach((p, i) => {
          const d = nodes[i]?.default;
          expect(value(p, d), `${r.file}: ${r.keys[i]}`).toEqual(d);
        });
        return;
      }
      // Descriptive cells ("baud 115200", "half-life 7 days", "(required)"):
      // every number they give must be a default under the keys they describe.
      const numbers = [...r.cell.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
      const known = nodes
        .flatMap((n) => defaultsIn(n))
        .flatMap(function flat(v): unknown[] {
          return typeof v === "object" && v !== null ? Object.values(v).flatMap(flat) : [v];
        });
      for (const n of numbers) {
        // Numbers inside names (`meshgate_<gateway>_<id>`, 1-32 in a pattern) are not defaults.
        if (/`[^`]*<|\d+-\d+/.test(r.cell)) break;
        expect(known, `${r.file}: ${r.keys.join(", ")} "${r.cell}"`).toContain(n);
      }
    },
  );
});

describe("docs/setup.md", () => {
  it("names exactly the settings the schema marks x-restart", () => {
    const text = read("docs/setup.md");
    const m = /marks with `"x-restart": true`\s*—([\s\S]*?)\.\s+Everything else/.exec(text);
    expect(m, "the restart sentence").not.toBeNull();
    const named = [...(m?.[1] ?? "").matchAll(/`([^`]+)`/g)].map((x) => x[1]);
    expect(named.sort()).toEqual(restartPaths().sort());
  });
});
