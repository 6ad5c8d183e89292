/**
 * Host clock trust. A Pi without an RTC boots in the past until NTP syncs;
 * pushing that time into a radio would break its adverts (and a MeshCore
 * radio refuses to step back, so a bad future time sticks). Only trust the
 * host when its year is plausible and, when we can tell, it is synced.
 */
import { existsSync } from "node:fs";

export const MIN_PLAUSIBLE_YEAR = 2025;
/** A radio behind the host by more than this is set forward. */
export const SET_IF_BEHIND_SEC = 2;
/** A radio ahead by more than this is flagged (never stepped back silently). */
export const FLAG_IF_AHEAD_SEC = 60;

/**
 * systemd-timesyncd touches /run/systemd/timesync/synchronized once synced.
 * The folder without the file means "not yet"; no folder means we cannot tell.
 */
export function systemdSyncProbe(): boolean | null {
  if (existsSync("/run/systemd/timesync/synchronized")) return true;
  if (existsSync("/run/systemd/timesync")) return false;
  return null;
}

export function trustedHostTime(nowMs: number, synced: boolean | null): number | null {
  if (synced === false) return null;
  if (new Date(nowMs).getUTCFullYear() < MIN_PLAUSIBLE_YEAR) return null;
  return nowMs;
}

export type ClockDecision =
  | { readonly action: "set"; readonly skewSec: number; readonly to: number }
  | { readonly action: "ahead"; readonly skewSec: number }
  | { readonly action: "ok"; readonly skewSec: number };

/** What to do with a radio clock reading `radioSec` when the host says `hostMs`. */
export function decideClock(radioSec: number, hostMs: number, setClock: boolean): ClockDecision {
  const hostSec = Math.floor(hostMs / 1000);
  const skewSec = radioSec - hostSec;
  if (setClock && skewSec < -SET_IF_BEHIND_SEC) return { action: "set", skewSec, to: hostSec };
  if (skewSec > FLAG_IF_AHEAD_SEC) return { action: "ahead", skewSec };
  return { action: "ok", skewSec };
}
