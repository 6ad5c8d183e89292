/** The `radios` settings' schema fragment (composed by daemon/config/schema.ts). */
import { DRIVER_KINDS } from "../core/types.ts";

/** One `radios[]` entry. */
export const RADIO_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["id", "driver"],
  properties: {
    id: {
      type: "string",
      pattern: "^[A-Za-z0-9_.-]{1,32}$",
    },
    driver: {
      enum: DRIVER_KINDS,
    },
    serial: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      properties: {
        path: {
          type: "string",
          minLength: 1,
        },
        baud: {
          type: "integer",
          minimum: 1200,
          maximum: 4000000,
          default: 115200,
        },
      },
    },
    tcp: {
      type: "object",
      additionalProperties: false,
      required: ["host", "port"],
      properties: {
        host: {
          type: "string",
          minLength: 1,
        },
        port: {
          type: "integer",
          minimum: 1,
          maximum: 65535,
        },
      },
    },
    params: {
      type: "object",
      additionalProperties: false,
      required: ["freqMHz", "bwKHz", "sf", "cr"],
      properties: {
        freqMHz: {
          type: "number",
          minimum: 137,
          maximum: 1020,
        },
        bwKHz: {
          type: "number",
          minimum: 7.8,
          maximum: 500,
        },
        sf: {
          type: "integer",
          minimum: 5,
          maximum: 12,
        },
        cr: {
          type: "integer",
          minimum: 5,
          maximum: 8,
        },
        txPowerDbm: {
          type: "integer",
          minimum: -9,
          maximum: 30,
        },
      },
    },
    silentTimeoutSec: {
      type: "integer",
      minimum: 10,
      default: 600,
    },
    commandTimeoutMs: {
      type: "integer",
      minimum: 100,
      default: 3000,
    },
    setClock: {
      type: "boolean",
      default: true,
    },
    allowKeyExport: {
      type: "boolean",
      default: false,
      description: "Allow reading the radio's private key (only for MQTT token auth).",
    },
  },
  oneOf: [
    {
      required: ["serial"],
    },
    {
      required: ["tcp"],
    },
  ],
} as const;

export const RADIOS_SCHEMA = {
  type: "array",
  default: [],
  items: RADIO_SCHEMA,
  "x-restart": true,
} as const;
