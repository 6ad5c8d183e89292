import { describe, expect, it } from "vitest";
import { validateConfig } from "../../daemon/config/validate.ts";

/**
 * The generated validator (validate.generated.ts) with the two Ajv runtime
 * helpers it calls through ajv-runtime.ts, and the problem lines built from
 * its errors.
 */
describe("validateConfig", () => {
  it("fills defaults into an empty file", () => {
    const data: Record<string, unknown> = {};
    expect(validateConfig(data)).toEqual([]);
    expect(data).toMatchObject({
      configVersion: 1,
      gateway: { name: "meshgate", iata: "XXX", lat: null },
      http: { port: 8080, engine: "auto" },
    });
  });

  it("counts a name's length in characters, not UTF-16 units (ucs2length)", () => {
    // 64 characters, each two UTF-16 units: within maxLength 64.
    const astral = "\u{1F4E1}".repeat(64);
    expect(validateConfig({ gateway: { name: astral } })).toEqual([]);
    expect(validateConfig({ gateway: { name: `${astral}x` } })).toEqual([
      "gateway.name: must NOT have more than 64 characters",
    ]);
  });

  it("finds a repeated feed (uniqueItems, deep equality)", () => {
    const broker = (feeds: string[]) => ({
      mqtt: { brokers: [{ id: "b", url: "mqtt://b", feeds }] },
    });
    expect(validateConfig(broker(["packets", "status"]))).toEqual([]);
    expect(validateConfig(broker(["packets", "packets"]))).toEqual([
      "mqtt.brokers[0].feeds: must NOT have duplicate items (items ## 0 and 1 are identical)",
    ]);
  });

  it("names every problem by its path", () => {
    expect(
      validateConfig({ http: { port: "x", colour: 1 }, log: { level: "loud" } }).sort(),
    ).toEqual(
      [
        'log.level: must be one of "debug", "info", "warn", "error"',
        "http.colour: unknown setting",
        "http.port: must be integer",
      ].sort(),
    );
  });
});
