/**
 * Channel airtime of what a radio heard. The formula lives with the protocol
 * codec (protocol doc section 7); this wrapper refuses the nonsense a device
 * may report (SF out of range, zero bandwidth) instead of producing Infinity.
 */
import type { RadioParams } from "../core/types.ts";
import { airtimeMs } from "../protocol/airtime.ts";

/** Milliseconds on air for a packet of `bytes`; NaN for unusable parameters. */
export function loraAirtimeMs(bytes: number, p: Pick<RadioParams, "bwKHz" | "sf" | "cr">): number {
  // cr is 5..8 meaning 4/5..4/8; some drivers report the offset 1..4.
  const cr = p.cr >= 1 && p.cr <= 4 ? p.cr + 4 : p.cr;
  if (!(p.sf >= 5 && p.sf <= 12) || !(p.bwKHz > 0) || !(cr >= 5 && cr <= 8) || !(bytes >= 0)) {
    return Number.NaN;
  }
  return airtimeMs(bytes, { sf: p.sf, bwKHz: p.bwKHz, cr });
}
