/** The `mqtt` settings' schema fragment (composed by daemon/config/schema.ts). */

/** One `mqtt.brokers[]` item. */
export const BROKER_ITEM_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["id", "url"],
  properties: {
    id: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,32}$" },
    url: {
      type: "string",
      pattern: "^(mqtt|mqtts|ws|wss)://",
      description: "e.g. mqtts://broker.example:8883, wss://host/mqtt",
    },
    enabled: { type: "boolean", default: true },
    tls: {
      type: "object",
      additionalProperties: false,
      properties: {
        ca: { type: "string", description: "CA bundle file (PEM)" },
        cert: { type: "string", description: "client certificate file (PEM)" },
        key: { type: "string", description: "client key file (PEM)" },
        rejectUnauthorized: { type: "boolean", default: true },
      },
    },
    auth: {
      oneOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["type"],
          properties: { type: { const: "none" } },
        },
        {
          type: "object",
          additionalProperties: false,
          required: ["type", "username", "password"],
          properties: {
            type: { const: "password" },
            username: { type: "string", maxLength: 256 },
            password: { type: "string", maxLength: 1024 },
          },
        },
        {
          type: "object",
          additionalProperties: false,
          required: ["type"],
          properties: {
            type: { const: "token" },
            radio: {
              type: "string",
              pattern: "^[A-Za-z0-9_.-]{1,32}$",
              description: "radio whose node key signs the token, default the first with a key",
            },
            audience: {
              type: "string",
              maxLength: 253,
              description: "aud claim, default the broker host name",
            },
            owner: { type: "string", maxLength: 128 },
            email: { type: "string", maxLength: 254 },
            // No `default` inside oneOf: Ajv (strict, useDefaults) rejects it there.
            ttlSec: {
              type: "integer",
              minimum: 60,
              maximum: 86400,
              description: "token lifetime, default 3600",
            },
            renewBeforeSec: {
              type: "integer",
              minimum: 10,
              maximum: 3600,
              description: "renew this long before expiry, default 300",
            },
          },
        },
      ],
    },
    clientId: { type: "string", minLength: 1, maxLength: 64 },
    keepaliveSec: { type: "integer", minimum: 1, maximum: 600, default: 30 },
    connectTimeoutSec: { type: "integer", minimum: 1, maximum: 120, default: 15 },
    iata: { type: "string", pattern: "^[A-Z]{3}$", description: "default gateway.iata" },
    topicPrefix: { type: "string", pattern: "^[^#+]{1,64}$", default: "meshcore" },
    feeds: {
      type: "array",
      uniqueItems: true,
      items: { enum: ["packets", "status", "summaries", "homeassistant"] },
      default: ["packets", "status"],
    },
    packetTypes: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", pattern: "^[A-Z_]{2,16}$" },
      default: [],
      description: "payload type names (ADVERT, GRP_TXT, ...); empty = all",
    },
    inflight: { type: "integer", minimum: 1, maximum: 1000, default: 64 },
    backoffMinMs: { type: "integer", minimum: 100, default: 1000 },
    backoffMaxMs: { type: "integer", minimum: 1000, default: 60000 },
    statusIntervalSec: { type: "integer", minimum: 10, default: 300 },
    homeassistantPrefix: { type: "string", pattern: "^[^#+]{1,64}$", default: "homeassistant" },
  },
} as const;

/** `mqtt.summaries`. */
export const SUMMARIES_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    intervalSec: { type: "integer", minimum: 10, maximum: 86400, default: 60 },
    graphIntervalSec: { type: "integer", minimum: 30, maximum: 86400, default: 300 },
    includeNames: { type: "boolean", default: true },
    includePositions: { type: "boolean", default: true },
    positionPrecision: { type: "integer", minimum: 0, maximum: 6, default: 2 },
    maxNodes: { type: "integer", minimum: 0, maximum: 5000, default: 500 },
    maxEdges: { type: "integer", minimum: 0, maximum: 20000, default: 1000 },
  },
} as const;

export const MQTT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    brokers: { type: "array", default: [], items: BROKER_ITEM_SCHEMA },
    summaries: SUMMARIES_SCHEMA,
  },
} as const;
