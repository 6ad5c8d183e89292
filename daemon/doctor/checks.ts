import { constants, existsSync, readdirSync } from "node:fs";
import { access, mkdir, open, rm, statfs } from "node:fs/promises";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import type { Config, RadioConfig } from "../config/types.ts";
import { Bus } from "../core/bus.ts";
import { errorMessage } from "../core/errors.ts";
import { silentLogger } from "../core/log.ts";
import type { RadioStatus } from "../core/types.ts";
import { NODE_MIN_MAJOR, NODE_SHIPPED_MAJOR } from "../core/version.ts";
import { systemdSyncProbe } from "../radio/clock.ts";
import { RadioManager } from "../radio/manager.ts";

export type Verdict = "ok" | "warn" | "fail";

export interface CheckResult {
  readonly name: string;
  readonly verdict: Verdict;
  readonly detail: string;
  /** What to do about it (for warn and fail). */
  readonly fix?: string;
}

const MIN_FREE_MB = 64;
/** Below this meshgate does not start at all (syntax and APIs it uses). */
const UNUSABLE_BELOW_MAJOR = 20;

export function checkNode(version = process.versions.node): CheckResult {
  const major = Number(version.split(".")[0]);
  const fix = `install Node.js ${NODE_SHIPPED_MAJOR} (the runtime meshgate ships; ${NODE_MIN_MAJOR} is still supported)`;
  if (major >= NODE_MIN_MAJOR) return { name: "node", verdict: "ok", detail: `Node.js ${version}` };
  if (major >= UNUSABLE_BELOW_MAJOR)
    return {
      name: "node",
      verdict: "warn",
      detail: `Node.js ${version} is past its end of life and no longer tested with meshgate`,
      fix,
    };
  return { name: "node", verdict: "fail", detail: `Node.js ${version} is too old`, fix };
}

export async function checkSerial(radio: RadioConfig): Promise<CheckResult> {
  const name = `radio ${radio.id}: serial device`;
  const path = radio.serial?.path;
  if (!path) return { name, verdict: "ok", detail: `TCP ${radio.tcp?.host}:${radio.tcp?.port}` };
  if (!existsSync(path)) {
    const byId = existsSync("/dev/serial/by-id") ? readdirSync("/dev/serial/by-id") : [];
    return {
      name,
      verdict: "fail",
      detail: `${path} does not exist`,
      fix: byId.length
        ? `plug the radio in, or use one of: ${byId.map((f) => `/dev/serial/by-id/${f}`).join(", ")}`
        : "plug the radio in (check `dmesg | tail` for the device name) and set radios[].serial.path",
    };
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
  } catch {
    return {
      name,
      verdict: "fail",
      detail: `no read/write permission on ${path}`,
      fix: "add the user running meshgate to the dialout group (`sudo usermod -aG dialout USER`, then log in again)",
    };
  }
  const stable = path.startsWith("/dev/serial/by-id/");
  return {
    name,
    verdict: stable ? "ok" : "warn",
    detail: `${path} is present and writable`,
    ...(stable
      ? {}
      : { fix: "prefer a /dev/serial/by-id/ path: ttyACM/ttyUSB numbers change on replug" }),
  };
}

/** Opens the radio as the daemon would and waits for the handshake. */
export async function checkHandshake(
  radio: RadioConfig,
  timeoutMs: number,
  /** Receives the radio's status once it is up (firmware, name, frequency). */
  onUp?: (status: RadioStatus) => void,
): Promise<CheckResult> {
  const name = `radio ${radio.id}: handshake`;
  const bus = new Bus();
  const manager = new RadioManager({ radios: [radio], bus, log: silentLogger() });
  let last: RadioStatus | null = null;
  const up = new Promise<RadioStatus | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    bus.on("radio", (s) => {
      last = s;
      if (s.state === "up") {
        clearTimeout(timer);
        resolve(s);
      }
    });
  });
  try {
    await manager.start();
    const s = await up;
    if (s) {
      onUp?.(s);
      return {
        name,
        verdict: "ok",
        detail:
          `${radio.driver} up: ${s.name ?? "unnamed"} ${s.publicKey?.slice(0, 12) ?? ""} ${s.model ?? ""} ${s.firmware ?? ""}`.trim(),
      };
    }
    const why = (last as RadioStatus | null)?.lastError ?? "no answer";
    return {
      name,
      verdict: "fail",
      detail: `no handshake within ${timeoutMs} ms (${why})`,
      fix: `check that the radio runs ${radio.driver} firmware at ${radio.serial?.baud ?? 115200} baud, and that meshgate itself is not running (it holds the port)`,
    };
  } finally {
    await manager.stop().catch(() => {});
  }
}

export async function checkDataDir(dir: string): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    return [
      {
        name: "data directory",
        verdict: "fail",
        detail: `cannot create ${dir}: ${errorMessage(err)}`,
        fix: "create it and give the meshgate user write access, or set store.dataDir",
      },
    ];
  }
  const probe = join(dir, `.doctor-${process.pid}`);
  try {
    const block = Buffer.alloc(1 << 20, 0x5a);
    const started = performance.now();
    const fh = await open(probe, "w");
    for (let i = 0; i < 4; i++) await fh.write(block);
    await fh.sync();
    await fh.close();
    const ms = performance.now() - started;
    const mbps = 4 / (ms / 1000);
    out.push({
      name: "data directory: write",
      verdict: mbps < 1 ? "warn" : "ok",
      detail: `${dir} writable, ${mbps.toFixed(1)} MB/s with fsync`,
      ...(mbps < 1
        ? { fix: "slow storage: snapshots will take long; consider a faster card or USB stick" }
        : {}),
    });
  } catch (err) {
    out.push({
      name: "data directory: write",
      verdict: "fail",
      detail: `cannot write in ${dir}: ${errorMessage(err)}`,
      fix: "give the meshgate user write access to the data directory",
    });
  } finally {
    await rm(probe, { force: true });
  }
  try {
    const s = await statfs(dir);
    const freeMb = (s.bavail * s.bsize) / (1 << 20);
    out.push({
      name: "data directory: free space",
      verdict: freeMb < MIN_FREE_MB ? "fail" : "ok",
      detail: `${freeMb.toFixed(0)} MB free`,
      ...(freeMb < MIN_FREE_MB
        ? {
            fix: `free at least ${MIN_FREE_MB} MB or lower store.maxDbMB (snapshots need room for a second copy)`,
          }
        : {}),
    });
  } catch (err) {
    out.push({ name: "data directory: free space", verdict: "warn", detail: errorMessage(err) });
  }
  return out;
}

export function checkClock(now = Date.now(), synced = systemdSyncProbe()): CheckResult {
  const year = new Date(now).getUTCFullYear();
  if (year < 2025) {
    return {
      name: "clock",
      verdict: "fail",
      detail: `host clock says ${new Date(now).toISOString()}`,
      fix: "enable NTP (`timedatectl set-ntp true`) or add an RTC; meshgate will not set radio clocks from it",
    };
  }
  if (synced === false) {
    return {
      name: "clock",
      verdict: "warn",
      detail: "host clock is not NTP-synchronised yet",
      fix: "wait for network time or check `timedatectl status`",
    };
  }
  return {
    name: "clock",
    verdict: "ok",
    detail: synced ? "NTP-synchronised" : "plausible (sync state unknown)",
  };
}

export async function checkBroker(url: string, timeoutMs: number): Promise<CheckResult> {
  const name = `mqtt broker ${url}`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return {
      name,
      verdict: "fail",
      detail: "not a valid URL",
      fix: "use mqtt://, mqtts://, ws:// or wss://",
    };
  }
  const secure = u.protocol === "mqtts:" || u.protocol === "wss:";
  const port =
    Number(u.port) || { "mqtt:": 1883, "mqtts:": 8883, "ws:": 80, "wss:": 443 }[u.protocol] || 1883;
  const host = u.hostname;
  // Loaded here, not with the module: the running daemon imports these
  // checks, and node:tls costs it about 1.5 MB it needs only for a TLS broker.
  const tlsConnect = secure ? (await import("node:tls")).connect : null;
  return new Promise((resolve) => {
    const done = (r: CheckResult) => {
      socket.destroy();
      resolve(r);
    };
    const socket = tlsConnect
      ? tlsConnect({ host, port, servername: host, rejectUnauthorized: false })
      : netConnect({ host, port });
    socket.setTimeout(timeoutMs, () =>
      done({
        name,
        verdict: "fail",
        detail: `no answer from ${host}:${port} in ${timeoutMs} ms`,
        fix: "check the network, firewall and broker address",
      }),
    );
    socket.once(secure ? "secureConnect" : "connect", () =>
      done({ name, verdict: "ok", detail: `${host}:${port} reachable${secure ? " (TLS)" : ""}` }),
    );
    socket.once("error", (err) =>
      done({
        name,
        verdict: "fail",
        detail: errorMessage(err),
        fix: "check the broker URL and that the broker is running",
      }),
    );
  });
}

/** How a run of the checks differs between the CLI and the running daemon. */
export interface CheckOptions {
  readonly handshakeMs?: number;
  readonly brokerMs?: number;
  /**
   * A radio's link check after its serial check, or null for none. Default:
   * a handshake unless the serial check failed (the CLI, with the port free).
   */
  readonly link?: (r: RadioConfig, serial: CheckResult) => Promise<CheckResult | null>;
  /** The fix offered when no radio is configured. */
  readonly noRadioFix?: string;
}

/** Every check for a config, in the order an operator would fix them. */
export async function runChecks(cfg: Config, opts: CheckOptions = {}): Promise<CheckResult[]> {
  const link =
    opts.link ??
    (async (r: RadioConfig, serial: CheckResult) =>
      serial.verdict === "fail" ? null : checkHandshake(r, opts.handshakeMs ?? 10_000));
  const out: CheckResult[] = [checkNode()];
  for (const r of cfg.radios) {
    const serial = await checkSerial(r);
    out.push(serial);
    const l = await link(r, serial);
    if (l) out.push(l);
  }
  if (cfg.radios.length === 0) {
    out.push({
      name: "radios",
      verdict: "warn",
      detail: "no radio configured",
      fix:
        opts.noRadioFix ??
        "add radios[] to the config (see docs/radios.md); without one meshgate only runs its simulator",
    });
  }
  out.push(...(await checkDataDir(cfg.store.dataDir)));
  out.push(checkClock());
  for (const b of cfg.mqtt.brokers) {
    const url = typeof b.url === "string" ? b.url : "";
    out.push(await checkBroker(url, opts.brokerMs ?? 5_000));
  }
  return out;
}
