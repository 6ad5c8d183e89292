/** Building blocks and component schemas of the OpenAPI document (see openapi.ts). */

import { contractSchemas } from "./openapi-contract.ts";

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

export const schemas: Obj = {
  ...contractSchemas,
  Error: {
    type: "object",
    required: ["error", "code"],
    properties: {
      error: { type: "string", description: "What was wrong; names the parameter at fault" },
      code: { type: "string" },
      param: { type: "string" },
      progress: { type: "number", description: "0..1 while an index builds (503)" },
    },
  },
  Health: {
    type: "object",
    required: [
      "status",
      "reasons",
      "version",
      "uptimeSec",
      "engine",
      "gateway",
      "store",
      "radios",
      "mqtt",
      "index",
      "counters",
      "versions",
    ],
    properties: {
      status: { type: "string", enum: ["ok", "degraded"] },
      reasons: { type: "array", items: { type: "string" } },
      version: { type: "string" },
      uptimeSec: { type: "integer" },
      engine: { type: ["string", "null"], enum: ["uws", "node", null] },
      gateway: ref("GatewayIdentity"),
      store: {
        type: "object",
        required: ["ok", "observations"],
        properties: {
          ok: { type: "boolean" },
          error: {
            type: ["string", "null"],
            description: "Storage error in effect (ENOSPC, EROFS, ...)",
          },
          observations: { type: "integer" },
          transmissions: { type: "integer" },
          nodes: { type: "integer" },
          dbBytes: { type: "integer", description: "Size of the in-memory database" },
          journalBytes: { type: "integer", description: "Journal written since the last snapshot" },
          schemaVersion: { type: "integer" },
          lastSnapshotAt: { type: ["string", "null"], format: "date-time" },
          lastSnapshotMs: {
            type: ["integer", "null"],
            description: "Duration of the last snapshot taken by this run (null after a restart)",
          },
          hotBytes: {
            type: ["integer", "null"],
            description: "Bytes the hot DB's rows use (bounded by store.hotMB)",
          },
          archive: {
            type: ["object", "null"],
            description: "Archive partition files (null for a store without files)",
            properties: {
              bytes: { type: "integer" },
              partitions: { type: "integer" },
              migrating: {
                type: "boolean",
                description: "An upgraded large DB is still moving into partitions",
              },
            },
          },
          memory: {
            type: ["object", "null"],
            description: "Store worker memory: sql.js WebAssembly memory and V8 heap used",
            properties: {
              wasmBytes: { type: "integer" },
              workerHeapBytes: { type: "integer" },
            },
          },
          journalTorn: {
            type: "integer",
            description:
              "Journal files whose end was cut by an interrupted write (found at start-up)",
          },
          journalDamage: {
            type: ["object", "null"],
            description:
              "Damage in the middle of journal files skipped at start-up (bad bytes with good frames after them; not a torn tail)",
            properties: {
              regions: { type: "integer" },
              frames: { type: "integer", description: "Group commits lost" },
              bytes: { type: "integer" },
              file: { type: "string" },
              offset: { type: "integer" },
            },
          },
        },
      },
      radios: { type: "array", items: { type: "object" } },
      mqtt: { type: "array", items: { type: "object" } },
      index: {
        type: "object",
        required: ["ready", "progress"],
        properties: { ready: { type: "boolean" }, progress: { type: "number" } },
      },
      counters: { type: "object", additionalProperties: { type: "integer" } },
      ingest: {
        type: ["object", "null"],
        description:
          "received, stored, decodeErrors, dropped (queue overflow), storeErrors, transmissions, queue",
        additionalProperties: { type: "integer" },
      },
      disk: {
        type: ["object", "null"],
        description: "free and total bytes of the data directory's file system",
        properties: { freeBytes: { type: "number" }, totalBytes: { type: "number" } },
      },
      versions: { type: "object" },
    },
  },
  ActionResult: {
    type: "object",
    required: ["ok", "detail"],
    properties: { ok: { const: true }, detail: {} },
  },
};

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
