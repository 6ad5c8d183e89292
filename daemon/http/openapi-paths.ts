/** The paths of the OpenAPI document (see openapi.ts). */
import { ROLE_NAMES } from "../protocol/roles.ts";
import { MAX_CHANNEL_TEXT_BYTES } from "./contract/index.ts";
import {
  action,
  channelName,
  cursor,
  errors,
  json,
  list,
  nullable,
  type Obj,
  obj,
  ofType,
  PAYLOAD_TYPES,
  pathParam,
  q,
  ROUTES,
  ref,
  time,
} from "./openapi-blocks.ts";
import { ANALYTICS_KINDS, ANALYTICS_RANGES } from "./ports.ts";

export const paths: Obj = {
  "/api/health": {
    get: {
      summary: "Readiness and health: store, radios, MQTT, mesh index, counters",
      responses: { "200": json(ref("Health")) },
    },
  },
  "/api/stats": {
    get: {
      summary: "Counters since start: packets by type, HTTP, WebSocket, store",
      responses: { "200": json({ type: "object" }) },
    },
  },
  "/api/map/basemap": {
    get: {
      summary:
        "Where the map's tiles come from (http.basemap); offline tiles are the PMTiles archive served with Range at /tiles/basemap.pmtiles",
      responses: {
        "200": json({
          type: "object",
          additionalProperties: false,
          required: ["mode", "url", "bytes", "problem"],
          properties: {
            mode: { type: "string", enum: ["online", "offline", "none"] },
            url: { type: ["string", "null"] },
            bytes: { type: ["integer", "null"], minimum: 0 },
            problem: { type: ["string", "null"] },
          },
        }),
      },
    },
  },
  "/api/openapi.json": {
    get: { summary: "This document", responses: { "200": json({ type: "object" }) } },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics (text exposition format 0.0.4)",
      responses: {
        "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
      },
    },
  },
  "/api/packets": {
    get: {
      summary: "Observations, newest first, or grouped by transmission",
      parameters: [
        q(
          "limit",
          { type: "integer", minimum: 1, maximum: 1000, default: 50 },
          "Page size (max 200 with group=1)",
        ),
        cursor,
        q(
          "before",
          { type: "string", pattern: "^[1-9][0-9]{0,14}$" },
          "Older than this observation id (instead of cursor)",
        ),
        q("type", { type: "string", enum: PAYLOAD_TYPES }, "Payload type name"),
        q("route", { type: "string", enum: ROUTES }, "Route type name"),
        q(
          "node",
          { type: "string", pattern: "^[0-9A-Fa-f]{2,64}$" },
          "Node key or prefix: its adverts and packets through it",
        ),
        q("channel", { type: "string", maxLength: 64 }, "Channel name (decrypted group messages)"),
        q("hash", { type: "string", pattern: "^[0-9a-f]{16}$" }, "One transmission"),
        q("radio", { type: "string", pattern: "^[A-Za-z0-9_.-]{1,32}$" }, "Receiving radio id"),
        q("since", time, "Received at or after"),
        q("until", time, "Received before"),
        q(
          "group",
          { type: "string", enum: ["1", "0", "true", "false"] },
          "Group by transmission with all observations",
        ),
      ],
      responses: {
        "200": json({
          type: "object",
          required: ["items", "nextCursor"],
          properties: {
            items: {
              type: "array",
              items: { oneOf: [ref("ObservedPacket"), ref("Transmission")] },
            },
            nextCursor: nullable("string"),
          },
        }),
        ...errors(400),
      },
    },
  },
  "/api/packets/{hash}": {
    get: {
      summary: "One transmission: decoded fields, byte breakdown, every observation",
      parameters: [
        pathParam("hash", { type: "string", pattern: "^[0-9a-fA-F]{16}$" }, "Packet hash"),
      ],
      responses: { "200": json(ref("PacketDetail")), ...errors(400, 404) },
    },
  },
  "/api/decode": {
    post: {
      summary: "Decode a packet given as hex (nothing is stored)",
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { type: "object", required: ["hex"], properties: { hex: { type: "string" } } },
          },
        },
      },
      responses: {
        "200": json({
          type: "object",
          required: ["ok", "packet", "breakdown", "error"],
          properties: {
            ok: { type: "boolean" },
            packet: {},
            breakdown: {},
            error: nullable("string"),
          },
        }),
        ...errors(400, 413, 415, 503),
      },
    },
  },
  "/api/nodes": {
    get: {
      summary: "Nodes with health; filter, sort, page",
      parameters: [
        q("role", { type: "string", enum: [...ROLE_NAMES] }, "Node role"),
        q("status", { type: "string", enum: ["healthy", "degraded", "silent"] }, "Health status"),
        q("q", { type: "string", maxLength: 64 }, "Name substring or key prefix"),
        q(
          "sort",
          {
            type: "string",
            enum: ["lastHeard", "firstHeard", "name", "advertCount", "snr", "relayed"],
            default: "lastHeard",
          },
          "Sort field",
        ),
        q(
          "order",
          { type: "string", enum: ["asc", "desc"] },
          "Sort order (default desc, asc for name)",
        ),
        q("limit", { type: "integer", minimum: 1, maximum: 5000, default: 500 }, "Page size"),
        q("offset", { type: "integer", minimum: 0, default: 0 }, "Items to skip"),
      ],
      responses: {
        "200": json(list(ref("Node"), { total: { type: "integer" } })),
        ...errors(400, 503),
      },
    },
  },
  "/api/nodes/{publicKey}": {
    get: {
      summary: "One node: health, neighbours, advert history, SNR history",
      parameters: [
        pathParam("publicKey", { type: "string", pattern: "^[0-9A-Fa-f]{64}$" }, "Node public key"),
      ],
      responses: {
        "200": json(ref("NodeDetail")),
        ...errors(400, 404, 503),
      },
    },
  },
  "/api/graph": {
    get: {
      summary: "Neighbour graph: nodes and edges with score and confidence",
      parameters: [
        q(
          "minConfidence",
          { type: "number", minimum: 0, maximum: 1 },
          "Only edges with at least this mean confidence",
        ),
        q(
          "minSightings",
          { type: "integer", minimum: 1 },
          "Only edges seen in this many transmissions",
        ),
        q(
          "resolvedOnly",
          { type: "string", enum: ["1", "0", "true", "false"] },
          "Only edges between resolved node keys",
        ),
        q(
          "limit",
          { type: "integer", minimum: 1, maximum: 20000, default: 5000 },
          "Strongest edges first",
        ),
      ],
      responses: {
        "200": json({
          type: "object",
          required: ["nodes", "edges"],
          properties: { nodes: { type: "array" }, edges: { type: "array" } },
        }),
        ...errors(400, 503),
      },
    },
  },
  "/api/collisions": {
    get: {
      summary: "Key prefixes shared by several known nodes",
      parameters: [
        q("bytes", { type: "integer", minimum: 1, maximum: 3 }, "Only prefixes of this size"),
      ],
      responses: {
        "200": json({
          type: "object",
          required: ["knownNodes", "shared", "collisions"],
          properties: {
            knownNodes: { type: "integer" },
            shared: obj(
              ofType("integer", "1", "2", "3"),
              "How many 1-, 2- and 3-byte prefixes are shared",
            ),
            collisions: {
              type: "array",
              items: obj({
                prefix: { type: "string" },
                bytes: { type: "integer", minimum: 1, maximum: 3 },
                keys: { type: "array", items: { type: "string" } },
              }),
            },
          },
        }),
        ...errors(400, 503),
      },
    },
  },
  "/api/analytics": {
    get: {
      summary:
        "Time series and histograms: traffic (packets, types, routes, hops, hashSizes), RF (snr, rssi), airtime (airtime, duty)",
      parameters: [
        q(
          "kind",
          {
            type: "string",
            enum: [...ANALYTICS_KINDS],
          },
          "Series",
          true,
        ),
        q(
          "range",
          { type: "string", enum: [...ANALYTICS_RANGES], default: "24h" },
          "Time range ending now",
        ),
      ],
      responses: { "200": json({ type: "object" }), ...errors(400, 503) },
    },
  },
  "/api/channels": {
    get: {
      summary: "Channels with recent messages",
      responses: {
        "200": json(
          list(
            {
              type: "object",
              required: ["channel", "recentMessages", "lastMessage"],
              properties: {
                channel: { type: "string" },
                recentMessages: { type: "integer" },
                lastMessage: ref("ChannelMessage"),
              },
            },
            { sampled: { type: "integer" } },
          ),
        ),
      },
    },
  },
  "/api/channels/messages": {
    get: {
      summary: "Decrypted channel messages, newest first",
      parameters: [
        q("channel", { type: "string", maxLength: 64 }, "One channel (all when absent)"),
        q("limit", { type: "integer", minimum: 1, maximum: 500, default: 100 }, "Page size"),
        cursor,
      ],
      responses: {
        "200": json(list(ref("ChannelMessage"), { nextCursor: nullable("string") })),
        ...errors(400),
      },
    },
  },
  "/api/config": {
    get: {
      summary: "The running configuration with tokens, passwords, keys and URL credentials masked",
      responses: { "200": json({ type: "object" }), ...errors(503) },
    },
  },
  "/api/radios": {
    get: {
      summary: "Radios: state, parameters, stats",
      responses: {
        "200": json(
          list({ type: "object", required: ["id", "state"] }, { available: { type: "boolean" } }),
        ),
      },
    },
  },
  "/api/mqtt": {
    get: {
      summary: "MQTT brokers and the outbox",
      responses: {
        "200": json({
          type: "object",
          required: ["available", "brokers", "outbox"],
          properties: { available: { type: "boolean" }, brokers: { type: "array" }, outbox: {} },
        }),
      },
    },
  },
  "/api/actions/channel-message": action("Send a text message on a channel", {
    type: "object",
    additionalProperties: false,
    required: ["channel", "text"],
    properties: {
      channel: channelName,
      text: {
        type: "string",
        description: `At most ${MAX_CHANNEL_TEXT_BYTES} UTF-8 bytes`,
      },
    },
  }),
  "/api/actions/advert": action("Send an advert (zero-hop, or flood)", {
    type: "object",
    additionalProperties: false,
    properties: { flood: { type: "boolean", default: false } },
  }),
  "/api/actions/channel-keys": action(
    "Add a channel key (#hashtag channels derive it from the name)",
    {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: channelName,
        key: { type: ["string", "null"], pattern: "^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$" },
      },
    },
  ),
  "/api/actions/channel-keys/remove": action("Remove a channel key", {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: { name: channelName },
  }),
  "/api/actions/radio-params": action("Change a radio's LoRa parameters", {
    type: "object",
    additionalProperties: false,
    required: ["radioId", "freqMHz", "bwKHz", "sf", "cr"],
    properties: {
      radioId: { type: "string" },
      freqMHz: { type: "number", minimum: 137, maximum: 1020 },
      bwKHz: { type: "number", minimum: 7.8, maximum: 500 },
      sf: { type: "integer", minimum: 5, maximum: 12 },
      cr: { type: "integer", minimum: 5, maximum: 8 },
      txPowerDbm: { type: "integer", minimum: -9, maximum: 30 },
    },
  }),
};
