/**
 * The published API description (OpenAPI 3.1). Written by hand, not generated
 * from the routes, so test/http/openapi.test.ts can hold the two against each
 * other: every route documented, every documented path served, the same
 * query parameters on both sides, and real responses valid against the schemas.
 */

type Obj = Record<string, unknown>;

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, schema: Obj, description: string, required = false): Obj => ({
  name,
  in: "query",
  required,
  description,
  schema,
});
const pathParam = (name: string, schema: Obj, description: string): Obj => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const json = (schema: Obj, description = "OK"): Obj => ({
  description,
  content: { "application/json": { schema } },
});
const errors = (...codes: number[]): Obj =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

const PAYLOAD_TYPES = [
  "REQ",
  "RESPONSE",
  "TXT_MSG",
  "ACK",
  "ADVERT",
  "GRP_TXT",
  "GRP_DATA",
  "ANON_REQ",
  "PATH",
  "TRACE",
  "MULTIPART",
  "CONTROL",
  "RESERVED_C",
  "RESERVED_D",
  "RESERVED_E",
  "RAW_CUSTOM",
];
const ROUTES = ["TRANSPORT_FLOOD", "FLOOD", "DIRECT", "TRANSPORT_DIRECT"];
const time = { type: "string", description: "ISO-8601 time or integer ms since the epoch" };
const cursor = q(
  "cursor",
  { type: "string", pattern: "^[1-9][0-9]{0,14}$" },
  "nextCursor of the previous page",
);
const nullable = (type: string): Obj => ({ type: [type, "null"] });

const schemas: Obj = {
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
  PacketItem: {
    type: "object",
    required: [
      "id",
      "hash",
      "raw",
      "receivedAt",
      "radioId",
      "payloadType",
      "route",
      "snr",
      "rssi",
      "hashSize",
      "hops",
      "firstSeen",
      "summary",
      "error",
    ],
    properties: {
      id: { type: "integer", description: "Observation id (monotonic)" },
      hash: { type: "string", pattern: "^[0-9a-f]{16}$" },
      raw: { type: "string", pattern: "^([0-9a-f]{2})*$" },
      receivedAt: { type: "string", format: "date-time" },
      radioId: { type: "string" },
      payloadType: { type: "string", enum: [...PAYLOAD_TYPES, "UNKNOWN"] },
      route: { type: "string", enum: [...ROUTES, "UNKNOWN"] },
      snr: nullable("number"),
      rssi: nullable("number"),
      hashSize: { type: "integer" },
      hops: { type: "array", items: { type: "string" } },
      firstSeen: { type: "boolean" },
      summary: { type: "string" },
      error: nullable("string"),
    },
  },
  Transmission: {
    type: "object",
    required: [
      "hash",
      "payloadType",
      "route",
      "summary",
      "firstHeardAt",
      "lastHeardAt",
      "observationCount",
      "observations",
    ],
    properties: {
      hash: { type: "string" },
      payloadType: { type: "string" },
      route: { type: "string" },
      summary: { type: "string" },
      firstHeardAt: { type: "string", format: "date-time" },
      lastHeardAt: { type: "string", format: "date-time" },
      observationCount: { type: "integer" },
      observations: { type: "array", items: ref("PacketItem") },
    },
  },
  PacketDetail: {
    allOf: [
      ref("Transmission"),
      {
        type: "object",
        required: ["decoded", "breakdown", "decodeError"],
        properties: {
          decoded: { description: "The protocol decoder's JSON form of the packet, or null" },
          breakdown: { description: "Byte ranges with field names, or null" },
          decodeError: nullable("string"),
        },
      },
    ],
  },
  Node: {
    type: "object",
    required: ["publicKey", "name", "role", "status"],
    properties: {
      publicKey: { type: "string", pattern: "^[0-9A-F]{64}$" },
      name: nullable("string"),
      role: { type: "string", enum: ["chat", "repeater", "room", "sensor", "unknown"] },
      status: { type: "string", enum: ["healthy", "degraded", "silent"] },
      lat: nullable("number"),
      lon: nullable("number"),
      lastHeard: { type: ["integer", "null"], description: "ms since the epoch" },
      lastAdvert: { type: ["integer", "null"], description: "ms since the epoch" },
      advertCount: { type: "integer" },
    },
  },
  ChannelMessage: {
    type: "object",
    required: ["id", "hash", "channel", "sender", "text", "receivedAt", "senderTimestamp"],
    properties: {
      id: { type: "integer" },
      hash: { type: "string" },
      channel: { type: "string" },
      sender: { type: "string" },
      text: { type: "string" },
      receivedAt: { type: "string", format: "date-time" },
      senderTimestamp: {
        type: "integer",
        description: "The sender's clock: data, not a time index",
      },
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
      store: {
        type: "object",
        required: ["ok", "observations"],
        properties: { ok: { type: "boolean" }, observations: { type: "integer" } },
      },
      radios: { type: "array", items: { type: "object" } },
      mqtt: { type: "array", items: { type: "object" } },
      index: {
        type: "object",
        required: ["ready", "progress"],
        properties: { ready: { type: "boolean" }, progress: { type: "number" } },
      },
      counters: { type: "object", additionalProperties: { type: "integer" } },
      versions: { type: "object" },
    },
  },
  ActionResult: {
    type: "object",
    required: ["ok", "detail"],
    properties: { ok: { const: true }, detail: {} },
  },
};

const list = (item: Obj, extra: Obj = {}): Obj => ({
  type: "object",
  required: ["items", ...Object.keys(extra)],
  properties: { items: { type: "array", items: item }, ...extra },
});

const action = (summary: string, body: Obj): Obj => ({
  post: {
    summary,
    security: [{ bearer: [] }],
    requestBody: { required: true, content: { "application/json": { schema: body } } },
    responses: {
      "200": json(ref("ActionResult")),
      ...errors(400, 401, 403, 413, 415, 429, 502, 503),
    },
  },
});

const channelName = { type: "string", minLength: 1, maxLength: 64 };

const paths: Obj = {
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
            items: { type: "array", items: { oneOf: [ref("PacketItem"), ref("Transmission")] } },
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
        q(
          "role",
          { type: "string", enum: ["chat", "repeater", "room", "sensor", "unknown"] },
          "Node role",
        ),
        q("status", { type: "string", enum: ["healthy", "degraded", "silent"] }, "Health status"),
        q("q", { type: "string", maxLength: 64 }, "Name substring or key prefix"),
        q(
          "sort",
          {
            type: "string",
            enum: ["lastHeard", "firstHeard", "name", "advertCount"],
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
        "200": json({
          allOf: [
            ref("Node"),
            {
              type: "object",
              required: ["advertHistory", "snrHistory", "paths", "neighbours"],
              properties: {
                paths: {
                  type: "array",
                  description: "Distinct hop sequences its adverts arrived by, most used first",
                  items: { type: "object", required: ["hops", "count", "lastHeard"] },
                },
                advertHistory: {
                  type: "array",
                  items: { type: "object", required: ["hash", "receivedAt"] },
                },
                snrHistory: {
                  type: "array",
                  items: { type: "object", required: ["at", "snr", "rssi"] },
                },
                neighbours: { type: "array" },
              },
            },
          ],
        }),
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
          required: ["collisions"],
          properties: {
            knownNodes: { type: "integer" },
            collisions: {
              type: "array",
              items: { type: "object", required: ["prefix", "bytes", "keys"] },
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
            enum: [
              "packets",
              "types",
              "routes",
              "hashSizes",
              "hops",
              "airtime",
              "snr",
              "rssi",
              "duty",
            ],
          },
          "Series",
          true,
        ),
        q(
          "range",
          { type: "string", enum: ["1h", "24h", "7d", "30d"], default: "24h" },
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
            { type: "object", required: ["channel", "recentMessages", "lastMessage"] },
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
      text: { type: "string", description: "At most 150 UTF-8 bytes" },
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

const errorResponse = (description: string): Obj => ({
  description,
  content: { "application/json": { schema: ref("Error") } },
});

export function openApiDocument(version: string): Obj {
  return {
    openapi: "3.1.0",
    info: {
      title: "meshgate API",
      version,
      description:
        "Read-only by default. Actions need `Authorization: Bearer <http.token>`; with no token configured they answer 403. Live updates: WebSocket /ws (see docs/api.md).",
    },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: {
        E400: errorResponse("A parameter or the body is invalid; `param` names it"),
        E401: errorResponse("Missing or wrong bearer token"),
        E403: errorResponse("Actions are disabled (no http.token configured)"),
        E404: errorResponse("Not found"),
        E413: errorResponse("Body larger than http.maxBodyBytes"),
        E415: errorResponse("Body is not application/json"),
        E429: errorResponse("Too many failed authentications from this address; see Retry-After"),
        E502: errorResponse("The radio or service refused the action"),
        E503: errorResponse(
          "Not available yet (index building: see Retry-After and progress) or not wired",
        ),
      },
    },
  };
}
