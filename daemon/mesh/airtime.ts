/**
 * LoRa time on air (Semtech formula, protocol doc section 7): explicit header,
 * CRC on, preamble 32 symbols for SF <= 8 and 16 above (MeshCore v1.16+).
 * Kept local to the mesh model so it has no dependency on decoding.
 */
import type { RadioParams } from "../core/types.ts";

export function preambleSymbols(sf: number): number {
  return sf <= 8 ? 32 : 16;
}

/** Milliseconds on air for a packet of `bytes`; NaN for nonsense parameters. */
export function loraAirtimeMs(bytes: number, p: Pick<RadioParams, "bwKHz" | "sf" | "cr">): number {
  const { sf, bwKHz } = p;
  // cr is 5..8 meaning 4/5..4/8; accept 1..4 (the coding-rate offset) too.
  const cr = p.cr >= 5 ? p.cr - 4 : p.cr;
  if (!(sf >= 5 && sf <= 12) || !(bwKHz > 0) || !(cr >= 1 && cr <= 4) || !(bytes >= 0)) {
    return Number.NaN;
  }
  const tSym = 2 ** sf / bwKHz; // ms
  const ldro = tSym > 16 ? 1 : 0;
  const num = 8 * bytes - 4 * sf + 44; // 28 + 16 (CRC) - 20 * 0 (explicit header)
  const payloadSymbols = 8 + Math.max(Math.ceil(num / (4 * (sf - 2 * ldro))) * (cr + 4), 0);
  return (preambleSymbols(sf) + 4.25 + payloadSymbols) * tSym;
}
