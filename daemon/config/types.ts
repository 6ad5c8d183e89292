/**
 * The validated configuration, derived from the composed schema (each layer
 * owns its fragment; daemon/config/schema.ts puts them together). Nothing
 * here is written by hand: a setting added to a fragment appears in these
 * types, with its default making it always present.
 */
import type { FromSchema } from "../core/schema-type.ts";
import type { CONFIG_SCHEMA } from "./schema.ts";

export type Config = FromSchema<typeof CONFIG_SCHEMA>;
export type GatewayConfig = Config["gateway"];
export type RadioConfig = Config["radios"][number];
export type ChannelConfig = Config["channels"][number];
export type MeshConfig = Config["mesh"];

/** Whether the simulator runs for this config. */
export function simulatorEnabled(cfg: Config): boolean {
  return cfg.simulator.enabled === "auto" ? cfg.radios.length === 0 : cfg.simulator.enabled;
}
