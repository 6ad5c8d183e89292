/**
 * Schema fragments of the settings every layer shares: who the gateway is
 * (radios, MQTT and the mesh model use it) and logging. Composed into the one
 * config schema by daemon/config/schema.ts; types and defaults derive from it.
 */

export const GATEWAY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    name: {
      type: "string",
      minLength: 1,
      maxLength: 64,
      default: "meshgate",
    },
    iata: {
      type: "string",
      pattern: "^[A-Z]{3}$",
      default: "XXX",
      description: "3-letter airport code of the region (MQTT topics).",
    },
    lat: {
      type: ["number", "null"],
      minimum: -90,
      maximum: 90,
      default: null,
    },
    lon: {
      type: ["number", "null"],
      minimum: -180,
      maximum: 180,
      default: null,
    },
  },
} as const;

export const LOG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    level: {
      enum: ["debug", "info", "warn", "error"],
      default: "info",
    },
    format: {
      enum: ["text", "json"],
      default: "text",
      "x-restart": true,
    },
  },
} as const;
