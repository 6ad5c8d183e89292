/** A logger whose output the test reads back. */
import { Logger } from "../../daemon/core/log.ts";

/** A text-format logger at info whose lines are collected in `lines`. */
export function collectingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = new Logger("t", {
    level: "info",
    format: "text",
    sink: { write: (l) => lines.push(l) },
  });
  return { log, lines };
}
