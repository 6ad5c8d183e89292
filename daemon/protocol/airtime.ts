/**
 * LoRa time on air (Semtech AN1200.13) with MeshCore's radio settings:
 * explicit header, CRC on, preamble 32 symbols for SF <= 8 and 16 above
 * (v1.16+), low-data-rate optimisation when a symbol lasts over 16 ms.
 */

export interface AirtimeParams {
  readonly sf: number;
  readonly bwKHz: number;
  /** Coding rate denominator 5..8 (4/5..4/8). */
  readonly cr: number;
  readonly preamble?: number;
}

export function airtimeMs(lengthBytes: number, p: AirtimeParams): number {
  const tSym = 2 ** p.sf / p.bwKHz; // ms
  const ldro = tSym > 16 ? 1 : 0;
  const preamble = p.preamble ?? (p.sf <= 8 ? 32 : 16);
  const payloadSymbols =
    8 + Math.max(Math.ceil((8 * lengthBytes - 4 * p.sf + 44) / (4 * (p.sf - 2 * ldro))) * p.cr, 0);
  return (preamble + 4.25 + payloadSymbols) * tSym;
}
