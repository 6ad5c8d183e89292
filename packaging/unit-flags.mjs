// The V8 flags the systemd unit runs node with (its ExecStart line), read
// from the unit so the .deb's and the tarball's launchers carry the same.
// The unit is the one place they are written for launchers that can read a
// file; test/system/systemd-unit.test.ts holds the OpenWrt init script and
// `npm start` to them.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const UNIT = join(dirname(fileURLToPath(import.meta.url)), "../systemd/meshgate.service");

/** The flags before the daemon's script on the unit's ExecStart line, as a list. */
export function unitNodeFlags(unitText = readFileSync(UNIT, "utf8")) {
  const exec = /^ExecStart=\S*node((?: --\S+)*) \S+meshgate\.mjs /m.exec(unitText);
  if (!exec) throw new Error("systemd/meshgate.service: no ExecStart running node on meshgate.mjs");
  return exec[1].split(" ").filter(Boolean);
}
