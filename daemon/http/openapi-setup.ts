/** OpenAPI paths of the setup, settings and admin routes (see openapi.ts). */
import { DRIVER_KINDS } from "../core/types.ts";
import { errors, json, type Obj, ofType } from "./openapi-blocks.ts";

const body = (schema: Obj): Obj => ({
  required: true,
  content: { "application/json": { schema } },
});
const admin = (summary: string, ok: Obj, extra: Obj = {}): Obj => ({
  summary,
  security: [{ bearer: [] }],
  responses: { "200": ok, ...errors(401, 403, 429, 503) },
  ...extra,
});
const problems = {
  type: "array",
  items: {
    type: "object",
    required: ["path", "message"],
    properties: { path: { type: "string" }, message: { type: "string" } },
  },
};
const checks = {
  type: "array",
  items: {
    type: "object",
    required: ["name", "verdict", "detail"],
    properties: {
      name: { type: "string" },
      verdict: { enum: ["ok", "warn", "fail"] },
      detail: { type: "string" },
      fix: { type: "string" },
    },
  },
};
const obj = { type: "object" };
const tar = {
  description: "OK (attachment meshgate-backup-<UTC date>T<time>Z.tar)",
  content: { "application/x-tar": { schema: { type: "string", format: "binary" } } },
};

/** Operations per path; `/api/config` adds PATCH beside the read-only GET. */
export const setupPaths: Record<string, Obj> = {
  "/api/setup/status": {
    get: {
      summary: "Whether the gateway is claimed and its settings can be saved",
      responses: {
        "200": json({
          type: "object",
          required: ["claimed", "claimable", "writable"],
          properties: ofType("boolean", "claimed", "claimable", "writable"),
        }),
      },
    },
  },
  "/api/setup/claim": {
    post: {
      summary: "Trade the one-time setup code for the admin token (once; rate-limited)",
      requestBody: body({
        type: "object",
        additionalProperties: false,
        required: ["code"],
        properties: { code: { type: "string", maxLength: 64 } },
      }),
      responses: {
        "200": json({
          type: "object",
          required: ["token"],
          properties: { token: { type: "string" } },
        }),
        ...errors(400, 403, 429, 503),
        "409": { description: "Already claimed" },
        "410": { description: "The setup code expired" },
      },
    },
  },
  "/api/config/schema": {
    get: {
      summary: "The config JSON schema; `x-restart: true` marks settings that need a restart",
      responses: { "200": json(obj) },
    },
  },
  "/api/config/status": {
    get: admin(
      "The config file, saved settings waiting for a restart, restart-only sections",
      json(obj),
    ),
  },
  "/api/config/file": {
    get: admin("Download the config file, comments kept, secrets masked", {
      description: "OK",
      content: { "text/yaml": { schema: { type: "string" } } },
    }),
  },
  "/api/system/serial-ports": {
    get: admin("Candidate serial ports (by-id paths, USB vendor/product)", json(obj)),
  },
  "/api/radios/test": {
    post: admin(
      "Handshake with a radio on a proposed port: firmware, name, frequency or the failure and its fix",
      json(obj),
      {
        requestBody: body({
          type: "object",
          additionalProperties: false,
          required: ["driver", "path"],
          properties: {
            driver: { enum: [...DRIVER_KINDS] },
            path: { type: "string" },
            baud: { type: "integer", minimum: 1200, maximum: 4000000 },
          },
        }),
      },
    ),
  },
  "/api/mqtt/test": {
    post: admin("Connect to a broker and publish one test message", json(obj), {
      requestBody: body({
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string" },
          username: { type: "string" },
          password: { type: "string" },
          topic: { type: "string" },
        },
      }),
    }),
  },
  "/api/system/doctor": {
    get: admin(
      "The doctor's checks on the running gateway",
      json({ type: "object", properties: { checks } }),
    ),
  },
  "/api/system/logs": {
    get: admin("Recent log lines (bounded, secrets masked)", json(obj)),
  },
  "/api/system/backup": {
    get: {
      ...admin(
        "Download a consistent copy of the store: a tar of the hot database (meshgate.sqlite) and the archive partitions (meshgate.sqlite.archive/), streamed",
        tar,
      ),
      responses: {
        "200": tar,
        ...errors(401, 403, 429, 503),
        "409": { description: "Another backup download is running" },
      },
    },
  },
  "/api/system/restart": {
    post: {
      ...admin("Stop cleanly and exit for systemd/procd to start meshgate again", json(obj)),
      responses: { "202": json(obj), ...errors(401, 403, 429, 503) },
    },
  },
};

export const configPatch: Obj = admin(
  "Change settings with a JSON merge patch; saved into the config file with its comments",
  json({
    type: "object",
    required: ["applied", "restartRequired"],
    properties: {
      applied: { type: "array", items: { type: "string" } },
      restartRequired: { type: "array", items: { type: "string" } },
    },
  }),
  {
    requestBody: body(obj),
    responses: {
      "200": json(obj),
      "400": json({ type: "object", properties: { problems } }, "Every problem with its path"),
      ...errors(401, 403, 429, 503),
      "409": { description: "Running on built-in defaults: no file to save into" },
    },
  },
);
