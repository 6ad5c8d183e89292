import { Ajv, type AnySchema, type ErrorObject } from "ajv";
import { GATEWAY_SCHEMA, LOG_SCHEMA } from "../core/config-schema.ts";
import { HTTP_SCHEMA } from "../core/http-config-schema.ts";
import { MESH_SCHEMA } from "../mesh/config-schema.ts";
import { MQTT_SCHEMA } from "../mqtt/config-schema.ts";
import {
  CHANNELS_SCHEMA,
  PUBLIC_CHANNEL_SCHEMA,
  REGIONS_SCHEMA,
} from "../protocol/config-schema.ts";
import { RADIOS_SCHEMA } from "../radio/config-schema.ts";
import { SIMULATOR_SCHEMA } from "../sim/config-schema.ts";
import { STORE_SCHEMA } from "../store/config-schema.ts";
import { CONFIG_VERSION } from "./migrate.ts";

/**
 * The one config schema: each layer's fragment under its section. Ajv
 * validates files against it (filling defaults), GET /api/config/schema
 * serves it, `Config` is derived from it (types.ts), and
 * schema/config.schema.json is this object written out for editors and
 * users (`npm run config-schema`; test/config/schema-file.test.ts keeps it current).
 */
export const CONFIG_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://meshgate.local/schema/config.schema.json",
  title: "meshgate configuration",
  type: "object",
  additionalProperties: false,
  properties: {
    configVersion: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Version of this file's layout; migrated forward automatically.",
    },
    gateway: GATEWAY_SCHEMA,
    log: LOG_SCHEMA,
    http: HTTP_SCHEMA,
    store: STORE_SCHEMA,
    radios: RADIOS_SCHEMA,
    simulator: SIMULATOR_SCHEMA,
    channels: CHANNELS_SCHEMA,
    publicChannel: PUBLIC_CHANNEL_SCHEMA,
    regions: REGIONS_SCHEMA,
    mesh: MESH_SCHEMA,
    mqtt: MQTT_SCHEMA,
  },
} as const;

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  allowUnionTypes: true,
  strict: true,
  strictRequired: false,
});
// Marks a setting that takes effect only after a restart (daemon/config/restart.ts reads it).
ajv.addKeyword({ keyword: "x-restart", schemaType: "boolean" });
const validateFn = ajv.compile(CONFIG_SCHEMA as unknown as AnySchema);

/**
 * Validates (and fills defaults into) `data` in place. Returns one
 * human-readable problem per error, each led by its path, e.g.
 * `radios[0].serial.baud: must be integer`.
 */
export function validateConfig(data: unknown): string[] {
  if (validateFn(data)) return semanticProblems(data);
  return formatErrors(validateFn.errors ?? [], data);
}

export function formatPath(instancePath: string): string {
  let out = "";
  for (const part of instancePath.split("/").slice(1)) {
    const seg = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function formatErrors(errors: ErrorObject[], data: unknown): string[] {
  const out: string[] = [];
  const oneOfPaths = new Set(
    errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath),
  );
  for (const e of errors) {
    const path = formatPath(e.instancePath);
    // Branch failures of a oneOf are noise; the oneOf error itself says it.
    if (e.schemaPath.includes("/oneOf/") && oneOfPaths.has(e.instancePath)) continue;
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        out.push(`${join(path, key)}: unknown setting`);
        break;
      }
      case "required": {
        const key = String((e.params as { missingProperty: string }).missingProperty);
        out.push(`${join(path, key)}: is required`);
        break;
      }
      case "enum": {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        out.push(
          `${path || "(root)"}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
        );
        break;
      }
      case "oneOf":
        out.push(
          /^radios\[\d+\]$/.test(path)
            ? `${path}: needs exactly one of serial or tcp`
            : `${path || "(root)"}: ${e.message}`,
        );
        break;
      default:
        out.push(`${path || "(root)"}: ${e.message}`);
    }
  }
  out.push(...semanticProblems(data));
  return [...new Set(out)];
}

/** Checks a JSON schema can't express. */
export function semanticProblems(data: unknown): string[] {
  const out: string[] = [];
  const version = (data as { configVersion?: unknown })?.configVersion;
  if (typeof version === "number" && version > CONFIG_VERSION) {
    out.push(
      `configVersion: the file is for a newer meshgate (layout ${version}); this build reads layouts up to ${CONFIG_VERSION}`,
    );
  }
  const radios = (data as { radios?: unknown })?.radios;
  if (Array.isArray(radios)) {
    const seen = new Map<string, number>();
    radios.forEach((r, i) => {
      const id = (r as { id?: unknown })?.id;
      if (typeof id !== "string") return;
      const prev = seen.get(id);
      if (prev !== undefined) out.push(`radios[${i}].id: duplicate of radios[${prev}].id "${id}"`);
      else seen.set(id, i);
    });
  }
  return out;
}
