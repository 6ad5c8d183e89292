/**
 * The daemon side of the admin tools (SystemPort): serial discovery, probes,
 * the doctor's checks that make sense while running, log lines and restart.
 */
import type { Config } from "../config/types.ts";
import { redactUrl } from "../core/log.ts";
import type { RadioStatus } from "../core/types.ts";
import { type CheckResult, runChecks } from "../doctor/checks.ts";
import type { BackupDownload, SystemPort } from "../http/setup-ports.ts";
import { listSerialPorts } from "../system/serial-ports.ts";
import type { LogRing } from "./log-ring.ts";
import { testBroker, testRadio } from "./probes.ts";

export interface SystemDeps {
  /** The configuration in effect. */
  config(): Config;
  radios(): readonly RadioStatus[];
  ring: LogRing | null;
  /** Stop cleanly and exit for the supervisor to restart. */
  restart(): void;
  /** The backup download. */
  backup(): Promise<BackupDownload>;
}

/**
 * The doctor while the daemon runs: it holds the radios' ports, so their
 * handshake is read from the live status instead of opened a second time.
 */
export async function runningChecks(
  cfg: Config,
  radios: readonly RadioStatus[],
): Promise<CheckResult[]> {
  const out = await runChecks(cfg, {
    noRadioFix: "pick the radio's port on the radio settings page",
    link: async (r) => {
      const s = radios.find((x) => x.id === r.id);
      if (!s) return null;
      return {
        name: `radio ${r.id}: link`,
        verdict: s.state === "up" ? "ok" : "fail",
        detail: `${s.state}${s.name ? `: ${s.name}` : ""}${s.firmware ? ` ${s.firmware}` : ""}${s.lastError ? ` (${s.lastError})` : ""}`,
        ...(s.state === "up"
          ? {}
          : {
              fix: `check the radio runs ${r.driver} firmware and the cable; test it from the radio settings page`,
            }),
      };
    },
  });
  // Broker URLs may carry credentials; the check names them.
  return out.map((c) => ({ ...c, name: redactUrl(c.name) }));
}

export function systemPort(deps: SystemDeps): SystemPort {
  return {
    serialPorts: async () => listSerialPorts(),
    testRadio: (req) => testRadio(req, deps.radios(), deps.config().radios),
    testBroker: (req) =>
      testBroker(req, deps.config().gateway.name.replace(/[^A-Za-z0-9_-]/g, "") || "meshgate"),
    doctor: () => runningChecks(deps.config(), deps.radios()),
    logs: () => ({ lines: deps.ring?.lines() ?? [], dropped: deps.ring?.dropped ?? 0 }),
    restart: () => deps.restart(),
    backup: () => deps.backup(),
  };
}
