/**
 * Capped exponential backoff with jitter, so several gateways (or several
 * radios in one daemon) that lost their link together do not retry in step.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  /** 0..1: the delay is drawn from [d * (1 - jitter), d]. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000, jitter: 0.3 };

export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const low = exp * (1 - opts.jitter);
  return Math.round(low + (exp - low) * random());
}
