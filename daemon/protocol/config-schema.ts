/**
 * Schema fragments of what the decoder is given: channel keys, the public
 * channel and region scopes (composed by daemon/config/schema.ts).
 */

export const CHANNELS_SCHEMA = {
  type: "array",
  description:
    "Channels to decrypt besides the public channel: {name: '#tag'} derives the key from the name; {name, key} uses a 16-byte hex key.",
  default: [
    {
      name: "#test",
    },
  ],
  items: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
      name: {
        type: "string",
        minLength: 1,
        maxLength: 64,
      },
      key: {
        type: "string",
        pattern: "^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$",
      },
    },
  },
} as const;

export const PUBLIC_CHANNEL_SCHEMA = {
  type: "boolean",
  default: true,
  description: "Decrypt the well-known public channel.",
} as const;

export const REGIONS_SCHEMA = {
  type: "array",
  items: {
    type: "string",
    minLength: 1,
  },
  default: [],
  description: "Region names (without #) whose transport scope codes are matched.",
} as const;
