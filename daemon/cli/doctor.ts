import { loadConfig } from "../config/load.ts";
import { redactUrl } from "../core/log.ts";
import { runChecks } from "../doctor/checks.ts";
import type { CliIO, ParsedArgs } from "./args.ts";
import { cliOverrides, configPath } from "./options.ts";

const MARK = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

/** `meshgate doctor`: every check with its fix; exit 1 when any check fails. */
export async function runDoctor(args: ParsedArgs, io: CliIO): Promise<number> {
  const { config, source } = loadConfig({ path: configPath(args), overrides: cliOverrides(args) });
  io.stdout.write(`meshgate doctor (config: ${source ?? "built-in defaults"})\n`);
  const results = await runChecks(config);
  for (const r of results) {
    // Checks name brokers by URL: never print the credentials in one.
    io.stdout.write(redactUrl(`[${MARK[r.verdict]}] ${r.name}: ${r.detail}\n`));
    if (r.fix && r.verdict !== "ok") io.stdout.write(redactUrl(`       fix: ${r.fix}\n`));
  }
  const failed = results.filter((r) => r.verdict === "fail").length;
  const warned = results.filter((r) => r.verdict === "warn").length;
  io.stdout.write(`${results.length} checks: ${failed} failed, ${warned} warnings\n`);
  return failed > 0 ? 1 : 0;
}
