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

/** A node's health by the mesh model's policy (mesh/health.ts). */
export type { HealthStatus as NodeStatus } from "../../mesh/health.ts";
/**
 * Signal statistics over the hearings of one node or link by the gateway's
 * radios (dB for SNR, dBm for RSSI): the mesh model's own shape, named here
 * so clients import it from the contract.
 */
export type { StatsView as SignalStats } from "../../mesh/stats.ts";
/** Node roles from the advert flags (protocol/roles.ts). */
export type { RoleName } from "../../protocol/roles.ts";
