/** Shapes every area of the API shares. */

/** A non-2xx answer. `param` names the query or body field at fault (400). */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly param?: string;
  /** 0..1 while an index builds (503 with Retry-After). */
  readonly progress?: number;
  readonly detail?: string | null;
}

/** A page of a list, newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * Signal statistics over the hearings of one node or link by the gateway's
 * radios (dB for SNR, dBm for RSSI). `recent` is a decaying mean that
 * follows changes; `last` is the newest hearing.
 */
export interface SignalStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  readonly recent: number;
}

/** Node roles from the advert flags (protocol/roles.ts). */
export type { RoleName } from "../../protocol/roles.ts";
export type NodeStatus = "healthy" | "degraded" | "silent";
