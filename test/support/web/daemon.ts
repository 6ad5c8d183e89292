/**
 * The real meshgate daemon as a child process, with its radio played by the
 * project's simulated companion firmware over loopback TCP. The simulator
 * runs in this (test) process, so tests can inject adverts and channel
 * messages into the simulated mesh and read what the gateway transmitted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASEMAP_FILE } from "../../../daemon/http/basemap.ts";
import { FirmwareServer } from "../../../daemon/sim/firmware/serve.ts";
import { MeshSimulator } from "../../../daemon/sim/simulator.ts";
import { REPO_ROOT as ROOT } from "../paths.ts";
import { simMesh } from "../sim/mesh.ts";
import { ptyPair } from "../sim/pty.ts";

export const HAVE_DAEMON = existsSync(join(ROOT, "daemon/main.ts"));

export interface RealDaemon {
  readonly url: string;
  readonly sim: MeshSimulator;
  readonly firmware: FirmwareServer;
  readonly token: string;
  /** Everything the daemon wrote to stderr (its log). */
  log(): string;
  stop(): Promise<void>;
}

export async function startRealDaemon(
  opts: {
    token?: string;
    startupMs?: number;
    /** Serve the firmware on a socat pty pair (the daemon opens a serial port) instead of TCP. */
    pty?: boolean;
    /** A PMTiles archive to put in the data directory, with http.basemap: offline. */
    basemap?: Buffer;
  } = {},
): Promise<RealDaemon> {
  const token = opts.token ?? "web-test-token-0123456789";
  // Around San Francisco with #test, as the gateway below is placed.
  const sim = new MeshSimulator(simMesh({ seed: 5, nodes: 16, radiusKm: 8, packetsPerSec: 3 }));
  const pty = opts.pty ? await ptyPair() : null;
  const firmware = new FirmwareServer(
    pty
      ? { firmware: "companion", sim, pty: pty.device }
      : { firmware: "companion", sim, tcpPort: 0 },
  );
  await firmware.start();
  const dir = mkdtempSync(join(tmpdir(), "meshgate-web-daemon-"));
  if (opts.basemap) {
    mkdirSync(join(dir, "data", BASEMAP_FILE[0]), { recursive: true });
    writeFileSync(join(dir, "data", ...BASEMAP_FILE), opts.basemap);
  }
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      // Placed like an operator who set the gateway's position: its marker is on the map.
      "gateway:",
      "  lat: 37.7749",
      "  lon: -122.4194",
      "http:",
      "  host: 127.0.0.1",
      "  port: 0",
      `  token: ${token}`,
      ...(opts.basemap ? ["  basemap: offline"] : []),
      "radios:",
      "  - id: main",
      "    driver: companion",
      ...(pty
        ? ["    serial:", `      path: ${pty.host}`]
        : ["    tcp:", "      host: 127.0.0.1", `      port: ${firmware.tcpPort()}`]),
      "channels:",
      "  - name: '#test'",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "daemon/main.ts",
      "run",
      "--config",
      config,
      "--data-dir",
      join(dir, "data"),
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, MESHGATE_LOG_FORMAT: "text" },
    },
  );
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `daemon did not start within ${opts.startupMs ?? 90_000} ms:\n${stderr.slice(-3000)}`,
          ),
        ),
      opts.startupMs ?? 90_000,
    );
    child.stderr?.on("data", (b: Buffer) => {
      stderr += b.toString("utf8");
      if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(stderr);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code}:\n${stderr.slice(-3000)}`));
    });
  });
  return {
    url,
    sim,
    firmware,
    token,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(t);
      }
      await firmware.stop();
      await pty?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
