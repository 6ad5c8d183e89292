/** The `simulator` settings' schema fragment (composed by daemon/config/schema.ts). */

export const SIMULATOR_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    enabled: {
      enum: ["auto", true, false],
      default: "auto",
      description: "auto: run the simulator when no radio is configured.",
    },
    seed: {
      type: "integer",
      default: 1,
    },
    nodes: {
      type: "integer",
      minimum: 2,
      maximum: 2000,
      default: 40,
    },
    centre: {
      type: "object",
      additionalProperties: false,
      default: {
        lat: 37.7749,
        lon: -122.4194,
      },
      properties: {
        lat: {
          type: "number",
          minimum: -90,
          maximum: 90,
        },
        lon: {
          type: "number",
          minimum: -180,
          maximum: 180,
        },
      },
      required: ["lat", "lon"],
    },
    radiusKm: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 500,
      default: 15,
    },
    packetsPerSec: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1000,
      default: 1.5,
    },
  },
  "x-restart": true,
} as const;
