import type { Override } from "../config/overrides.ts";
import type { ParsedArgs } from "./args.ts";

const FLAG_PATHS: Readonly<Record<string, string>> = {
  port: "http.port",
  host: "http.host",
  "data-dir": "store.dataDir",
  "log-level": "log.level",
};

/** CLI flags that override config settings (applied after the environment). */
export function cliOverrides(args: ParsedArgs): Override[] {
  const out: Override[] = [];
  for (const { name, value } of args.all) {
    const path = FLAG_PATHS[name];
    if (path && typeof value === "string") out.push({ path, value, source: `--${name}` });
    if (name === "simulator")
      out.push({ path: "simulator.enabled", value: "true", source: "--simulator" });
    if (name === "no-simulator") {
      out.push({ path: "simulator.enabled", value: "false", source: "--no-simulator" });
    }
  }
  return out;
}

export function configPath(args: ParsedArgs): string | undefined {
  const v = args.flags.get("config");
  return typeof v === "string" ? v : undefined;
}
