import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA } from "../../daemon/config/schema.ts";
import { BROKER_ITEM_SCHEMA, SUMMARIES_SCHEMA } from "../../daemon/mqtt/config.ts";

/**
 * schema/config.schema.json is the one schema users read; the MQTT layer
 * keeps its parts next to its code. They must never drift apart.
 */
describe("config schema parts", () => {
  const mqtt = (CONFIG_SCHEMA as { properties: { mqtt: { properties: Record<string, unknown> } } })
    .properties.mqtt.properties;

  it("mqtt.brokers items are the MQTT layer's broker schema", () => {
    expect((mqtt.brokers as { items: unknown }).items).toEqual(
      JSON.parse(JSON.stringify(BROKER_ITEM_SCHEMA)),
    );
  });

  it("mqtt.summaries is the MQTT layer's summaries schema", () => {
    expect(mqtt.summaries).toEqual(JSON.parse(JSON.stringify(SUMMARIES_SCHEMA)));
  });
});
