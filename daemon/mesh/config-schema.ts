/**
 * The `mesh` settings' schema fragment (composed by daemon/config/schema.ts).
 * Everything but `sliceMs` applies live: the model rebuilds with the new values.
 */

export const MESH_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    edgeHalfLifeDays: {
      type: "number",
      exclusiveMinimum: 0,
      default: 7,
    },
    edgePruneDays: {
      type: "number",
      exclusiveMinimum: 0,
      default: 30,
    },
    maxLinkKm: {
      type: "number",
      exclusiveMinimum: 0,
      default: 150,
    },
    sliceMs: {
      type: "number",
      minimum: 1,
      maximum: 100,
      default: 8,
      description:
        "Longest slice of background mesh work (rebuild, settle) before yielding, in ms.",
      "x-restart": true,
    },
    health: {
      type: "object",
      default: {},
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          degradedAfterSec: {
            type: "integer",
            minimum: 1,
          },
          silentAfterSec: {
            type: "integer",
            minimum: 1,
          },
        },
      },
      description:
        "Per-role thresholds keyed by role (repeater, chat or companion, room, sensor, unknown).",
    },
    maxEdges: {
      type: "integer",
      minimum: 1,
      default: 50000,
      description:
        "Cap on neighbour edges kept (weakest pruned first). Edges cost memory: with 20,000 nodes the daemon ran at 137 MB holding 45,342 edges and 157 MB holding 100,346 (docs/mesh.md).",
    },
    maxNodes: {
      type: "integer",
      minimum: 1,
      default: 20000,
      description: "Cap on nodes the model tracks.",
    },
    minResolveConfidence: {
      type: "number",
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description:
        "Below this confidence an ambiguous hop stays an unresolved prefix (0.5: the winner must outweigh every other candidate together; docs/mesh.md gives the precision and recall measured at it).",
    },
  },
} as const;
