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

/**
 * The one config schema: each layer's fragment under its section. Files are
 * validated against it (filling defaults; validate.ts), GET /api/config/schema
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
