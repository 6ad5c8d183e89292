/**
 * The config types are derived from the schema fragments (core/schema-type.ts):
 * these checks run in `tsc --noEmit` (expectTypeOf) and fail to compile when
 * the derivation loses a setting, a default or an enum.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Config, RadioConfig } from "../../daemon/config/types.ts";
import { validateConfig } from "../../daemon/config/validate.ts";
import { applyDefaults, type SchemaInput } from "../../daemon/core/schema-type.ts";
import { RADIO_SCHEMA } from "../../daemon/radio/config-schema.ts";

describe("config types derived from the schema", () => {
  it("defaulted settings are always present, optional ones may be absent", () => {
    expectTypeOf<Config["gateway"]["name"]>().toEqualTypeOf<string>();
    expectTypeOf<Config["gateway"]["lat"]>().toEqualTypeOf<number | null>();
    expectTypeOf<Config["log"]["level"]>().toEqualTypeOf<"debug" | "info" | "warn" | "error">();
    expectTypeOf<Config["simulator"]["enabled"]>().toEqualTypeOf<"auto" | true | false>();
    expectTypeOf<Config["http"]["token"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Config["store"]["hotMB"]>().toEqualTypeOf<number>();
    expectTypeOf<RadioConfig["silentTimeoutSec"]>().toEqualTypeOf<number>();
    expectTypeOf<RadioConfig["serial"]>().toEqualTypeOf<
      { path: string; baud: number } | undefined
    >();
    expectTypeOf<Config["mesh"]["health"][string]>().toEqualTypeOf<{
      degradedAfterSec?: number;
      silentAfterSec?: number;
    }>();
    type Auth = NonNullable<Config["mqtt"]["brokers"][number]["auth"]>;
    expectTypeOf<Auth["type"]>().toEqualTypeOf<"none" | "password" | "token">();
    expectTypeOf<Extract<Auth, { type: "password" }>>().toEqualTypeOf<{
      type: "password";
      username: string;
      password: string;
    }>();
  });

  it("the input shape leaves defaulted settings optional", () => {
    expectTypeOf<SchemaInput<typeof RADIO_SCHEMA>["silentTimeoutSec"]>().toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf<SchemaInput<typeof RADIO_SCHEMA>["id"]>().toEqualTypeOf<string>();
  });

  it("applyDefaults fills what Ajv's useDefaults fills", () => {
    const input = { id: "r1", driver: "kiss" as const, serial: { path: "/dev/ttyUSB0" } };
    const viaAjv = { radios: [structuredClone(input)] };
    expect(validateConfig(viaAjv)).toEqual([]);
    expect(applyDefaults(RADIO_SCHEMA, input)).toEqual(viaAjv.radios[0]);
    expect(applyDefaults(RADIO_SCHEMA, input).silentTimeoutSec).toBe(600);
    // The input is not modified.
    expect(input).toEqual({ id: "r1", driver: "kiss", serial: { path: "/dev/ttyUSB0" } });
  });
});
