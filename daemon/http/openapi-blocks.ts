/**
 * Building blocks of the OpenAPI document: references, parameters, responses.
 * Its own module so the schema files (openapi-schemas.ts, openapi-contract.ts)
 * and the paths import it without importing each other.
 */

export type Obj = Record<string, unknown>;

export const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
export const q = (name: string, schema: Obj, description: string, required = false): Obj => ({
  name,
  in: "query",
  required,
  description,
  schema,
});
export const pathParam = (name: string, schema: Obj, description: string): Obj => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
export const json = (schema: Obj, description = "OK"): Obj => ({
  description,
  content: { "application/json": { schema } },
});
export const errors = (...codes: number[]): Obj =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

export { PAYLOAD_NAMES as PAYLOAD_TYPES, ROUTE_NAMES as ROUTES } from "../protocol/constants.ts";
export const time = { type: "string", description: "ISO-8601 time or integer ms since the epoch" };
export const cursor = q(
  "cursor",
  { type: "string", pattern: "^[1-9][0-9]{0,14}$" },
  "nextCursor of the previous page",
);
export const nullable = (type: string): Obj => ({ type: [type, "null"] });
/** Properties of one plain type, in the order named: `...ofType("integer", "count", "total")`. */
export const ofType = (type: string, ...names: string[]): Obj =>
  Object.fromEntries(names.map((name) => [name, { type }]));
/** An object that may be null (a part not wired, or nothing to report), its properties optional. */
export const nullableObject = (description: string, properties: Obj): Obj => ({
  type: ["object", "null"],
  description,
  properties,
});

/** An object schema whose every listed property is required. */
export const obj = (properties: Obj, description?: string): Obj => ({
  type: "object",
  ...(description && { description }),
  required: Object.keys(properties),
  properties,
});

export const list = (item: Obj, extra: Obj = {}): Obj => ({
  type: "object",
  required: ["items", ...Object.keys(extra)],
  properties: { items: { type: "array", items: item }, ...extra },
});

export const action = (summary: string, body: Obj): Obj => ({
  post: {
    summary,
    security: [{ bearer: [] }],
    requestBody: { required: true, content: { "application/json": { schema: body } } },
    responses: {
      "200": json(ref("ActionResult")),
      ...errors(400, 401, 403, 413, 415, 429, 502, 503),
    },
  },
});

export const channelName = { type: "string", minLength: 1, maxLength: 64 };
