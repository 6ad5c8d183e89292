/**
 * Config validation: the generated validator (validate.generated.ts, Ajv's
 * standalone code for CONFIG_SCHEMA) checks a file and fills its defaults;
 * this module turns its errors into one line per problem and adds the
 * checks a JSON schema can't express.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { CONFIG_VERSION } from "./migrate.ts";
import { validate } from "./validate.generated.ts";

const validateFn = validate as unknown as ValidateFunction;

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
