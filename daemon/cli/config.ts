import { loadConfig } from "../config/load.ts";
import { simulatorEnabled } from "../config/types.ts";
import { redact } from "../core/log.ts";
import { type CliIO, type ParsedArgs, UsageError } from "./args.ts";
import { cliOverrides, configPath } from "./options.ts";

/** `meshgate config check|show`: throws ConfigError (exit 2) when invalid. */
export function runConfig(args: ParsedArgs, io: CliIO): number {
  const sub = args.positionals[0] ?? "check";
  const { config, source, notes } = loadConfig({
    path: configPath(args),
    overrides: cliOverrides(args),
  });
  if (sub === "check") {
    io.stdout.write(`config OK: ${source ?? "no file found, using built-in defaults"}\n`);
    for (const n of notes) io.stdout.write(`  note: ${n}\n`);
    io.stdout.write(
      `  radios: ${config.radios.length === 0 ? "none" : config.radios.map((r) => `${r.id} (${r.driver})`).join(", ")}\n`,
    );
    io.stdout.write(`  simulator: ${simulatorEnabled(config) ? "on" : "off"}\n`);
    io.stdout.write(`  http: ${config.http.host}:${config.http.port} (${config.http.engine})\n`);
    io.stdout.write(`  data: ${config.store.dataDir}\n`);
    io.stdout.write(`  mqtt brokers: ${config.mqtt.brokers.length}\n`);
    return 0;
  }
  if (sub === "show") {
    io.stdout.write(`${JSON.stringify(redact(config), null, 2)}\n`);
    return 0;
  }
  throw new UsageError(`unknown config subcommand "${sub}" (check or show)`);
}
