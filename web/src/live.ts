/**
 * The `/ws` live connection: reconnects on its own with capped exponential
 * backoff and reports its state, so the UI can show "stale" the moment the
 * stream stops rather than silently freezing.
 */
import { isObj, isObserved, type Packet, toPacket } from "./model.ts";

export type LiveState =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "open"; readonly since: number }
  | { readonly kind: "closed"; readonly retryAt: number; readonly attempt: number }
  | { readonly kind: "stopped" };

export interface LiveHandlers {
  onPacket(p: Packet): void;
  onState(s: LiveState): void;
  /** Any other message type ({type:"radio"}, {type:"node"}, ...). */
  onOther?(type: string, data: unknown): void;
}

/** A single frame past this is dropped unparsed (the contract is ~1 KB). */
const MAX_FRAME = 256 * 1024;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
}

export function wsUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/ws`;
}

export class LiveClient {
  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private running = false;
  /** Frames that were not valid JSON or not a known shape. */
  badFrames = 0;

  constructor(
    private readonly url: string,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    this.handlers.onState({ kind: "stopped" });
  }

  private connect(): void {
    this.attempt++;
    this.handlers.onState({ kind: "connecting", attempt: this.attempt });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.handlers.onState({ kind: "open", since: Date.now() });
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry();
    };
    // An error is always followed by close; the retry is scheduled there.
    ws.onerror = () => {};
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    const delay = backoffMs(this.attempt);
    this.handlers.onState({ kind: "closed", retryAt: Date.now() + delay, attempt: this.attempt });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) this.connect();
    }, delay);
  }

  private onFrame(data: unknown): void {
    if (typeof data !== "string" || data.length > MAX_FRAME) {
      this.badFrames++;
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      this.badFrames++;
      return;
    }
    if (!isObj(msg) || typeof msg.type !== "string") {
      this.badFrames++;
      return;
    }
    if (msg.type === "packet") {
      if (isObserved(msg.data)) this.handlers.onPacket(toPacket(msg.data));
      else this.badFrames++;
      return;
    }
    this.handlers.onOther?.(msg.type.slice(0, 32), msg.data);
  }
}

/**
 * The newest packets, newest first, capped so a busy mesh cannot grow the
 * page's memory without bound. Replaced, not mutated, so views can compare
 * by identity.
 */
export class PacketBuffer {
  private items: Packet[] = [];
  private readonly ids = new Set<number>();

  constructor(readonly capacity = 5000) {}

  get all(): readonly Packet[] {
    return this.items;
  }

  /** Merge packets (any order); answers true when anything changed. */
  add(ps: readonly Packet[]): boolean {
    const fresh = ps.filter((p) => !this.ids.has(p.id));
    if (fresh.length === 0) return false;
    for (const p of fresh) this.ids.add(p.id);
    const merged = fresh.concat(this.items);
    merged.sort((a, b) => b.id - a.id);
    const kept = merged.slice(0, this.capacity);
    for (const p of merged.slice(this.capacity)) this.ids.delete(p.id);
    this.items = kept;
    return true;
  }
}
