/**
 * Puts a settings change into effect without a restart, for the settings the
 * config schema does not mark `x-restart`: log level, channels, regions,
 * gateway identity (radios that keep their own name and position are told),
 * mesh tuning (the model rebuilds from the store with it) and MQTT brokers
 * (the uplink is rebuilt; its outbox is in the store, so nothing queued is
 * lost).
 */
import type { Path } from "../config/patch.ts";
import type { Config } from "../config/types.ts";
import type { Logger } from "../core/log.ts";

export interface LiveTargets {
  readonly log: Logger;
  reconfigureChannels(cfg: Config): void;
  /** New gateway name or position: radios and the mesh model use it from now on. */
  setGateway(cfg: Config): Promise<void>;
  restartMqtt(cfg: Config): Promise<void>;
  /** New mesh tuning: the model rebuilds with it in the background. */
  reconfigureMesh(cfg: Config): void;
}

export function liveApplier(t: LiveTargets) {
  return async (next: Config, _prev: Config, paths: readonly Path[]): Promise<void> => {
    const touched = (section: string) => paths.some((p) => p[0] === section);
    if (paths.some((p) => p[0] === "log" && p[1] === "level")) t.log.setLevel(next.log.level);
    if (touched("channels") || touched("publicChannel") || touched("regions"))
      t.reconfigureChannels(next);
    if (touched("gateway")) await t.setGateway(next);
    if (touched("mesh")) t.reconfigureMesh(next);
    // Topics, client ids and status messages carry the gateway's name and region.
    if (touched("mqtt") || touched("gateway")) await t.restartMqtt(next);
    t.log.info("settings applied live", { paths: paths.map((p) => p.join(".")) });
  };
}
