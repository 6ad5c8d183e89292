import { ConfigError, errorMessage } from "../core/errors.ts";
import { DRIVER_KINDS } from "../core/types.ts";
import { VERSION } from "../core/version.ts";
import { type CliIO, type ParsedArgs, parseArgs, UsageError } from "./args.ts";
import { runConfig } from "./config.ts";
import { cliOverrides, configPath } from "./options.ts";

export const HELP = `meshgate ${VERSION} - MeshCore LoRa gateway daemon

Usage: meshgate [command] [options]

Commands:
  run                      run the daemon (default); with no radio configured it
                           runs the built-in mesh simulator
  config check             validate the configuration and list every problem
  config show              print the effective configuration (secrets hidden)
  decode <hex>...          decode packets (or hex lines on stdin); --json,
                           --channel NAME, --key HEX
  simulate                 play a radio firmware on a pty or TCP port:
                           --firmware ${DRIVER_KINDS.join("|")} --pty PATH | --tcp PORT
  backup FILE              write a consistent SQLite copy of the store
  setup-code               print the one-time code that claims the gateway from
                           the web UI (until an admin credential exists)
  doctor                   check Node, radios, data directory, clock and brokers,
                           each failure with its fix

Options:
  --config PATH            config file (else $MESHGATE_CONFIG, ./meshgate.yaml,
                           /etc/meshgate/config.yaml, else built-in defaults)
  --port N                 http.port            (env MESHGATE_HTTP_PORT)
  --host ADDR              http.host            (env MESHGATE_HTTP_HOST)
  --data-dir DIR           store.dataDir        (env MESHGATE_DATA_DIR)
  --log-level LEVEL        log.level            (env MESHGATE_LOG_LEVEL)
  --web-dir DIR            serve the UI from DIR (env MESHGATE_WEB_DIR)
  --simulator / --no-simulator
                           force the simulator on or off (env MESHGATE_SIMULATOR)
  --version                print the version
  --help                   print this help
`;

/** The flags a command accepts: those taking a value, and switches. */
interface FlagSpec {
  readonly value: readonly string[];
  readonly bool: readonly string[];
}

const GLOBAL: FlagSpec = { value: ["config"], bool: ["help", "h", "version"] };
/** Flags that override settings (options.ts maps them onto the config). */
const SETTINGS: FlagSpec = {
  value: ["port", "host", "data-dir", "log-level"],
  bool: ["simulator", "no-simulator"],
};

/**
 * Every command and the flags it takes (besides GLOBAL). A new command
 * declares its flags here; anything else on its command line is a usage
 * error (exit 2) rather than silently ignored.
 */
const COMMANDS: Readonly<Record<string, FlagSpec>> = {
  run: { value: [...SETTINGS.value, "web-dir"], bool: SETTINGS.bool },
  config: SETTINGS,
  doctor: SETTINGS,
  backup: SETTINGS,
  "setup-code": SETTINGS,
  help: { value: [], bool: [] },
  decode: { value: ["channel", "key", "region"], bool: ["json", "no-public", "no-verify"] },
  simulate: {
    value: ["firmware", "pty", "tcp", "host", "seed", "rate", "nodes", "lat", "lon", "radius"],
    bool: ["allow-key-export"],
  },
};

/** One line naming the commands, printed with every usage error. */
export const USAGE_LINE =
  "usage: meshgate [run|config check|config show|decode|simulate|backup FILE|doctor] [options] (meshgate --help lists them)";

/** Parses a command's words, refusing flags it does not declare. */
function parseFor(command: string, rest: readonly string[]): ParsedArgs {
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command "${command}"`);
  return parseArgs(
    rest,
    new Set([...GLOBAL.value, ...spec.value]),
    new Set([...GLOBAL.bool, ...spec.bool]),
  );
}

/**
 * Runs one CLI invocation. Resolves to an exit code; `run` resolves only when
 * the daemon has stopped.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "run";
  const rest = command === argv[0] ? argv.slice(1) : argv;
  try {
    // Refuse unknown flags before anything runs (also before --help/--version).
    const args = parseFor(command, rest);
    if (argv.includes("--version")) {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    // `simulate` has its own help; every other command shares this one.
    const ownHelp = command === "simulate";
    if (!ownHelp && (argv.includes("--help") || argv.includes("-h") || command === "help")) {
      io.stdout.write(HELP);
      return 0;
    }
    switch (command) {
      case "run": {
        // Loaded on demand: the daemon pulls in every layer, other commands don't need it.
        const { runDaemon } = await import("./run.ts");
        return await runDaemon(args, io);
      }
      case "config":
        return runConfig(args, io);
      case "decode": {
        // Channel keys from the config (when one is found), plus --channel/--key flags.
        const { runDecode } = await import("./decode.ts");
        const { loadConfig } = await import("../config/load.ts");
        const { config } = loadConfig({ path: configPath(args) });
        const argv = config.publicChannel ? [...rest] : [...rest, "--no-public"];
        return await runDecode(argv, io, config.channels);
      }
      case "simulate": {
        const { runSimulate } = await import("./simulate.ts");
        return await runSimulate([...rest], io);
      }
      case "backup": {
        // The data directory comes from the config unless --data-dir names it.
        const { runBackup } = await import("./backup.ts");
        const { loadConfig } = await import("../config/load.ts");
        const { config } = loadConfig({ path: configPath(args), overrides: cliOverrides(args) });
        return await runBackup([...rest], io, { dataDir: config.store.dataDir });
      }
      case "setup-code": {
        const { runSetupCode } = await import("./setup-code.ts");
        return runSetupCode(args, io);
      }
      case "doctor": {
        const { runDoctor } = await import("./doctor.ts");
        return await runDoctor(args, io);
      }
      default:
        throw new UsageError(`unknown command "${command}" (see meshgate --help)`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`meshgate: ${err.message}\n`);
      for (const p of err.problems) io.stderr.write(`  ${p}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`meshgate: ${err.message}\n${USAGE_LINE}\n`);
      return 2;
    }
    io.stderr.write(`meshgate: ${errorMessage(err)}\n`);
    return 1;
  }
}
