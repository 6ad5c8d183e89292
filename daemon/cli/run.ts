import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "../app/app.ts";
import { loadConfig } from "../config/load.ts";
import { errorMessage } from "../core/errors.ts";
import { Logger } from "../core/log.ts";
import { VERSION } from "../core/version.ts";
import { type DataDirLock, lockDataDir } from "../store/lock.ts";
import { SdNotify } from "../system/sdnotify.ts";
import type { CliIO, ParsedArgs } from "./args.ts";
import { cliOverrides, configPath } from "./options.ts";

/**
 * How long SIGTERM may take before we give up on a clean stop. A stop takes
 * well under a second normally; slow SD cards and emulated CPUs need more.
 * Stays below the unit's TimeoutStopSec (20 s).
 */
const STOP_DEADLINE_MS = 15_000;
/** Each start-up extension asked of systemd, and the most in all (a hung start is still killed). */
const START_EXTEND_MS = 30_000;
const START_EXTEND_MAX_MS = 30 * 60_000;

/** `meshgate run`: starts everything and resolves with the exit code once stopped. */
export async function runDaemon(args: ParsedArgs, io: CliIO): Promise<number> {
  const { config, source, notes } = loadConfig({
    path: configPath(args),
    overrides: cliOverrides(args),
  });
  const log = new Logger("meshgate", {
    level: config.log.level,
    format: config.log.format,
    sink: { write: (line) => io.stderr.write(`${line}\n`) },
  });
  log.info("starting", {
    version: VERSION,
    node: process.version,
    config: source ?? "built-in defaults",
  });
  for (const note of notes) log.info(note);

  const webDir = args.flags.get("web-dir");
  const staticDir = findStaticDir(
    log,
    typeof webDir === "string" ? webDir : process.env.MESHGATE_WEB_DIR,
  );
  // One daemon per data directory: a second one would overwrite the first's
  // snapshots. Taken before anything opens the store.
  let lock: DataDirLock;
  try {
    lock = lockDataDir(config.store.dataDir);
  } catch (err) {
    log.error("failed to start", { error: errorMessage(err) });
    return 1;
  }
  const app = new App({ config, log, version: VERSION, staticDir });
  const onRejection = (reason: unknown) => {
    app.counters.unhandled++;
    log.error("unhandled rejection (kept running)", { error: errorMessage(reason) });
  };
  process.on("unhandledRejection", onRejection);

  const notify = new SdNotify({ log: log.child("systemd") });
  // Start-up (snapshot load and journal replay) has no fixed bound; systemd
  // is kept informed instead of killing it at TimeoutStartSec.
  const startedAt = Date.now();
  const starting = () => notify.extendTimeout(START_EXTEND_MS, "starting: loading the store");
  await starting();
  const extendTimer = setInterval(() => {
    if (Date.now() - startedAt < START_EXTEND_MAX_MS) void starting();
  }, START_EXTEND_MS / 3);
  try {
    await app.start();
  } catch (err) {
    log.error("failed to start", { error: errorMessage(err) });
    await app.stop().catch(() => {});
    lock.release();
    process.off("unhandledRejection", onRejection);
    return 1;
  } finally {
    clearInterval(extendTimer);
  }
  const statusLine = () => {
    const h = app.store.health();
    return `serving on port ${app.httpPort()}; ${app.radios.ids().length} radio(s); ${h.observations} observations`;
  };
  await notify.ready(statusLine());
  notify.startWatchdog();
  const statusTimer = setInterval(() => void notify.status(statusLine()), 30_000);
  statusTimer.unref();
  const host =
    config.http.host === "0.0.0.0" || config.http.host === "::" ? "localhost" : config.http.host;
  log.info(`listening on http://${config.http.host}:${app.httpPort()}`);
  if (host !== config.http.host) log.info(`open http://${host}:${app.httpPort()} in a browser`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info("stopping", { signal });
  clearInterval(statusTimer);
  await notify.stopping();
  const deadline = setTimeout(() => {
    log.error("clean stop took too long; exiting", { deadlineMs: STOP_DEADLINE_MS });
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  try {
    await app.stop();
  } catch (err) {
    log.error("error while stopping", { error: errorMessage(err) });
    return 1;
  } finally {
    clearTimeout(deadline);
    lock.release();
    process.off("unhandledRejection", onRejection);
  }
  log.info("stopped");
  return 0;
}

/**
 * The built UI: --web-dir / MESHGATE_WEB_DIR when given, else beside the
 * bundle (dist/web) when running the bundle, or the checkout's dist/web when
 * running from source.
 */
function findStaticDir(log: Logger, explicit?: string): string | null {
  if (explicit) {
    if (existsSync(join(explicit, "index.html"))) return explicit;
    log.warn("no index.html in the web directory given; serving the API only", { dir: explicit });
    return null;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, "web"), join(here, "../../dist/web")]) {
    if (existsSync(join(dir, "index.html"))) return dir;
  }
  log.warn("web UI not built (run `npm run build`); serving the API only");
  return null;
}
