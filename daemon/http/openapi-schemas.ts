/** Component schemas of the OpenAPI document (see openapi.ts): the contract's and the service's own. */

import { nullableObject, type Obj, ofType, ref } from "./openapi-blocks.ts";
import { contractSchemas } from "./openapi-contract.ts";

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
          ...ofType("integer", "observations", "transmissions", "nodes"),
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
          archive: nullableObject("Archive partition files (null for a store without files)", {
            bytes: { type: "integer" },
            partitions: { type: "integer" },
            migrating: {
              type: "boolean",
              description: "An upgraded large DB is still moving into partitions",
            },
          }),
          memory: nullableObject(
            "Store worker memory: sql.js WebAssembly memory and V8 heap used",
            {
              wasmBytes: { type: "integer" },
              workerHeapBytes: { type: "integer" },
            },
          ),
          journalTorn: {
            type: "integer",
            description:
              "Journal files whose end was cut by an interrupted write (found at start-up)",
          },
          journalDamage: nullableObject(
            "Damage in the middle of journal files skipped at start-up (bad bytes with good frames after them; not a torn tail)",
            {
              regions: { type: "integer" },
              frames: { type: "integer", description: "Group commits lost" },
              bytes: { type: "integer" },
              file: { type: "string" },
              offset: { type: "integer" },
            },
          ),
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
      disk: nullableObject("free and total bytes of the data directory's file system", {
        freeBytes: { type: "number" },
        totalBytes: { type: "number" },
      }),
      versions: { type: "object" },
    },
  },
  ActionResult: {
    type: "object",
    required: ["ok", "detail"],
    properties: { ok: { const: true }, detail: {} },
  },
};
