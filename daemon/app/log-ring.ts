/**
 * The last log lines, for the admin page: a bounded ring (fixed count, each
 * line capped) so it costs at most ~MAX_LINES x MAX_CHARS of memory. Fields
 * are already redacted by the logger; what a message might still carry
 * (credentials inside URLs, bearer tokens) is masked here too.
 */
import { redactUrl } from "../core/log.ts";

const MAX_LINES = 500;
const MAX_CHARS = 400;

const MASKS: readonly [RegExp, string][] = [
  [/\bBearer\s+[^\s"]+/gi, "Bearer ***"],
  [/\bmg_[A-Za-z0-9_-]{20,}/g, "mg_***"],
];

export class LogRing {
  private readonly buf: string[] = [];
  private next = 0;
  dropped = 0;

  constructor(private readonly max = MAX_LINES) {}

  push(line: string): void {
    let safe = line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS)}…` : line;
    safe = redactUrl(safe);
    for (const [re, to] of MASKS) safe = safe.replace(re, to);
    if (this.buf.length < this.max) this.buf.push(safe);
    else {
      this.buf[this.next] = safe;
      this.next = (this.next + 1) % this.max;
      this.dropped++;
    }
  }

  /** Oldest first. */
  lines(): string[] {
    return [...this.buf.slice(this.next), ...this.buf.slice(0, this.next)];
  }
}
