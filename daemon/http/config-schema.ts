/** The `http` settings' schema fragment (composed by daemon/config/schema.ts). */

export const HTTP_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    host: {
      type: "string",
      default: "0.0.0.0",
    },
    port: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      default: 8080,
    },
    engine: {
      enum: ["auto", "uws", "node"],
      default: "auto",
    },
    token: {
      type: ["string", "null"],
      minLength: 16,
      default: null,
      description:
        "Bearer token that enables actions (send, advert, keys, radio params). Null disables actions.",
    },
    cors: {
      type: "array",
      items: {
        type: "string",
      },
      default: [],
    },
    maxBodyBytes: {
      type: "integer",
      minimum: 1024,
      maximum: 10485760,
      default: 65536,
    },
    basemap: {
      enum: ["online", "offline", "none"],
      default: "online",
      description:
        "Map tiles: online (from the internet), offline (the PMTiles archive map/basemap.pmtiles in the data directory) or none.",
    },
  },
  "x-restart": true,
} as const;
