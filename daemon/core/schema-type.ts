/**
 * Settings are described once, as JSON-schema fragments each layer owns
 * (`as const` objects). This file derives from such a fragment both the
 * TypeScript type of the validated value and its defaults, so neither is
 * written a second time by hand.
 *
 * `FromSchema` covers the subset of draft-07 the config schema uses: `type`
 * (one or a list), `enum`, `const`, `oneOf`, objects with `properties`,
 * `required` and `additionalProperties`, arrays with `items`. A property with
 * a `default` is present in the type, because validation fills it in (Ajv's
 * `useDefaults`, or `applyDefaults` below). A keyword outside that subset
 * gives `unknown`, which strict code cannot use by accident.
 */

type Primitive<T> = T extends "string"
  ? string
  : T extends "number" | "integer"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "null"
        ? null
        : T extends "object"
          ? Record<string, unknown>
          : T extends "array"
            ? unknown[]
            : unknown;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type PropsOf<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
/**
 * Keys always present: required ones, and (when `D`, after validation) those
 * filled from a default.
 */
type PresentKeys<S, D extends boolean> = {
  [K in keyof PropsOf<S>]: K extends RequiredOf<S>
    ? K
    : D extends true
      ? PropsOf<S>[K] extends { readonly default: unknown }
        ? K
        : never
      : never;
}[keyof PropsOf<S>];

type ObjectOf<S, D extends boolean> = Simplify<
  { -readonly [K in PresentKeys<S, D>]: Derive<PropsOf<S>[K], D> } & {
    -readonly [K in Exclude<keyof PropsOf<S>, PresentKeys<S, D>>]?: Derive<PropsOf<S>[K], D>;
  } & (S extends { readonly additionalProperties: infer A extends object }
      ? { [key: string]: Derive<A, D> }
      : unknown)
>;

type Derive<S, D extends boolean> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly type: "object" }
      ? ObjectOf<S, D>
      : S extends { readonly type: "array"; readonly items: infer I }
        ? Derive<I, D>[]
        : // A oneOf beside `type: object` only requires one of the listed keys (radios: serial or tcp).
          S extends { readonly oneOf: readonly (infer O)[] }
          ? O extends unknown
            ? Derive<O, D>
            : never
          : S extends { readonly type: readonly (infer T)[] }
            ? Primitive<T>
            : S extends { readonly type: infer T }
              ? Primitive<T>
              : unknown;

/** The type of a value that validated against schema fragment `S` (defaults filled in). */
export type FromSchema<S> = Derive<S, true>;

/**
 * The type of a value as written in a config file, before defaults: what a
 * layer accepts when it applies the defaults itself (`applyDefaults`).
 */
export type SchemaInput<S> = Derive<S, false>;

/** A schema node as far as defaults are concerned. */
interface DefaultsNode {
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, DefaultsNode>>;
  readonly items?: DefaultsNode;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A copy of `value` with every missing property that has a `default` filled
 * in, recursively: the same rule Ajv's `useDefaults` applies when the config
 * file is loaded, for code that receives a section built by hand (tests,
 * benches, the simulator). Values are not checked here.
 */
export function applyDefaults<S extends object>(schema: S, value?: SchemaInput<S>): FromSchema<S> {
  const copy = value === undefined ? undefined : structuredClone(value);
  return fill(schema as DefaultsNode, copy) as FromSchema<S>;
}

function fill(node: DefaultsNode, value: unknown): unknown {
  const v = value === undefined && "default" in node ? structuredClone(node.default) : value;
  if (isObject(v) && node.properties) {
    for (const [k, child] of Object.entries(node.properties)) {
      const filled = fill(child, v[k]);
      if (filled !== undefined) v[k] = filled;
    }
  } else if (Array.isArray(v) && node.items) {
    const items = node.items;
    return v.map((x) => fill(items, x));
  }
  return v;
}
