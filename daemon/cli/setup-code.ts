/**
 * `meshgate setup-code`: prints the one-time code that claims the gateway
 * from the web UI (making a new one when the last expired). It reads and
 * writes the same file in the data directory the daemon checks.
 */
import { AdminCredential } from "../app/admin.ts";
import { loadConfig } from "../config/load.ts";
import type { CliIO, ParsedArgs } from "./args.ts";
import { cliOverrides, configPath } from "./options.ts";

export function runSetupCode(args: ParsedArgs, io: CliIO): number {
  const { config } = loadConfig({ path: configPath(args), overrides: cliOverrides(args) });
  if (config.http.token) {
    io.stdout.write(
      "http.token is set in the config: use it as the admin token; there is nothing to claim\n",
    );
    return 0;
  }
  const admin = new AdminCredential(config.store.dataDir);
  const code = admin.setupCode();
  if (!code) {
    io.stdout.write(
      `already claimed. To claim again, stop meshgate, delete ${config.store.dataDir}/admin.json and start it\n`,
    );
    return 0;
  }
  io.stdout.write(`${code.code}\n`);
  io.stderr.write(
    `valid until ${new Date(code.expiresAt).toISOString()}; enter it on the web UI's setup page\n`,
  );
  return 0;
}
