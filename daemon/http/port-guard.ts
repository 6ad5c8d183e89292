/**
 * One daemon per port. uWebSockets.js listens with SO_REUSEPORT, so a second
 * daemon on the same port binds without error and the kernel splits the
 * requests between the two. Before listening we bind the port once without
 * SO_REUSEPORT (node:net never sets it): that bind fails while anything
 * listens there, whatever engine either side uses.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { MeshgateError } from "../core/errors.ts";

export class PortInUseError extends MeshgateError {
  constructor(message: string) {
    super("E_PORT_IN_USE", message);
  }
}

/** Throws PortInUseError when something already listens on host:port (port 0 is never taken). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const inUse = await new Promise<boolean>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") resolve(true);
      // Anything else (EACCES, EADDRNOTAVAIL) the real listen reports itself.
      else reject(err);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(false)));
  }).catch(() => false);
  if (inUse) throw portInUse(host, port);
}

/** The error for a taken port, naming the process that holds it when we can see it. */
export function portInUse(host: string, port: number): PortInUseError {
  const owner = listenerOf(port);
  const by = owner ? ` by PID ${owner.pid} (${owner.cmd})` : "";
  return new PortInUseError(
    `port ${port} on ${host} is already in use${by}: stop it, or choose another port (http.port or --port)`,
  );
}

/**
 * Which process listens on a TCP port, from /proc (Linux; only processes we
 * may look into). Null when unknown.
 */
export function listenerOf(port: number): { pid: number; cmd: string } | null {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT"; state 0A is LISTEN; field 9 the inode.
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (inodes.has(target)) {
        let cmd = "";
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        } catch {
          // Gone meanwhile.
        }
        return { pid: Number(pid), cmd: cmd.slice(0, 120) || "unknown" };
      }
    }
  }
  return null;
}
