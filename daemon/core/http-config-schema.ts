/**
 * The `http` settings' schema fragment. It stands in core, not in http/, because
 * daemon/config/schema.ts composes every fragment and sits below the http layer
 * (which serves the composed schema): a fragment in http/ would make config
 * import upwards. Only the http layer reads these settings.
 */

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
