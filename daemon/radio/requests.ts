import { MeshgateError, TimeoutError } from "../core/errors.ts";

/** A radio refused or failed a command (an ERR reply, a link drop). */
export class RadioCommandError extends MeshgateError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * What a matcher says about one incoming frame: not for this request
 * (undefined), the answer, or a failure.
 */
export type MatchResult<T> = { ok: T } | { err: string } | undefined;

interface Pending<T> {
  readonly label: string;
  readonly send: () => void;
  readonly match: (frame: Uint8Array) => MatchResult<T>;
  readonly timeoutMs: number;
  /** Created when the request was made, so its stack points at the caller. */
  readonly error: TimeoutError;
  readonly resolve: (v: T) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One command in flight per radio. Requests queue; the head is sent, and
 * incoming frames are offered to its matcher until it answers or its timer
 * fires. Frames nobody claims go back to the driver as pushes/unsolicited.
 */
export class RequestQueue {
  private readonly queue: Pending<unknown>[] = [];
  private current: Pending<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closedWith: Error | null = null;
  timeouts = 0;

  constructor(private readonly maxQueued = 32) {}

  request<T>(
    label: string,
    send: () => void,
    match: (frame: Uint8Array) => MatchResult<T>,
    timeoutMs: number,
  ): Promise<T> {
    const error = new TimeoutError(`${label}: no reply within ${timeoutMs} ms`);
    return new Promise<T>((resolve, reject) => {
      if (this.closedWith) return reject(this.closedWith);
      if (this.queue.length >= this.maxQueued) {
        return reject(new RadioCommandError("E_RADIO_BUSY", `${label}: command queue full`));
      }
      this.queue.push({
        label,
        send,
        match,
        timeoutMs,
        error,
        resolve: resolve as (v: unknown) => void,
        reject,
      } as Pending<unknown>);
      this.next();
    });
  }

  /** Offer a frame to the request in flight; true when it was consumed. */
  offer(frame: Uint8Array): boolean {
    const cur = this.current;
    if (!cur) return false;
    let res: MatchResult<unknown>;
    try {
      res = cur.match(frame);
    } catch (err) {
      res = { err: `${cur.label}: bad reply (${(err as Error).message})` };
    }
    if (res === undefined) return false;
    this.finish();
    if ("ok" in res) cur.resolve(res.ok);
    else cur.reject(new RadioCommandError("E_RADIO_REFUSED", res.err));
    return true;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** Reject everything (link down); later requests fail at once until reopen(). */
  close(err: Error): void {
    this.closedWith = err;
    const cur = this.current;
    this.finish(false);
    if (cur) cur.reject(err);
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  reopen(): void {
    this.closedWith = null;
  }

  private finish(advance = true): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    if (advance) queueMicrotask(() => this.next());
  }

  private next(): void {
    if (this.current || this.closedWith) return;
    const p = this.queue.shift();
    if (!p) return;
    this.current = p;
    this.timer = setTimeout(() => {
      if (this.current !== p) return;
      this.timeouts++;
      this.finish();
      p.reject(p.error);
    }, p.timeoutMs);
    try {
      p.send();
    } catch (err) {
      this.finish();
      p.reject(new RadioCommandError("E_RADIO_WRITE", `${p.label}: write failed`, { cause: err }));
    }
  }
}

/** A deframing session's counters plus its command timeouts, as the radio status shows them. */
export function framingCounters(
  c: { readonly frames: number; readonly badFrames: number; readonly resyncBytes: number },
  q: RequestQueue,
): Record<string, number> {
  return {
    frames: c.frames,
    badFrames: c.badFrames,
    resyncBytes: c.resyncBytes,
    timeouts: q.timeouts,
  };
}
