/** Minimal argv parsing: flags with values, boolean flags, positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** Repeated flags (e.g. several --channel) in order. */
  all: { name: string; value: string | true }[];
}

/**
 * `valueFlags` take a value (`--port 1` or `--port=1`). When `boolFlags` is
 * given the set of flags is closed: any other flag is a UsageError, so a typo
 * (`--prot 18107`) stops the command instead of being silently ignored.
 */
export function parseArgs(
  argv: readonly string[],
  valueFlags: ReadonlySet<string>,
  boolFlags?: ReadonlySet<string>,
): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const all: { name: string; value: string | true }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (boolFlags && !valueFlags.has(name) && !boolFlags.has(name))
        throw new UsageError(`unknown option --${name}`);
      if (boolFlags && eq > 0 && !valueFlags.has(name))
        throw new UsageError(`--${name} takes no value`);
      let value: string | true = true;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (valueFlags.has(name)) {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`--${name} needs a value`);
        value = next;
        i++;
      }
      flags.set(name, value);
      all.push({ name, value });
    } else if (arg.startsWith("-") && arg.length === 2) {
      if (boolFlags && !boolFlags.has(arg.slice(1))) throw new UsageError(`unknown option ${arg}`);
      flags.set(arg.slice(1), true);
      all.push({ name: arg.slice(1), value: true });
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, flags, all };
}

export class UsageError extends Error {}

export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}
