/**
 * One radio: open, handshake, keep up, reconnect. Owns the connection and a
 * fresh driver session per connection; never throws out of its loop.
 */
import type { Bus } from "../core/bus.ts";
import { GATEWAY_SCHEMA } from "../core/config-schema.ts";
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { applyDefaults } from "../core/schema-type.ts";
import type { RadioParams, RadioState, RadioStatus } from "../core/types.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { RADIO_SCHEMA } from "./config-schema.ts";
import { DRIVERS } from "./drivers.ts";
import { RadioCommandError } from "./requests.ts";
import { type Connection, describeTarget, openConnection } from "./transport.ts";
import type {
  ChannelRef,
  DriverSession,
  GatewayIdentity,
  Identity,
  RadioConfig,
  RadioLink,
  RadioSettings,
  SessionContext,
} from "./types.ts";

/** Up this long before a drop resets the backoff. */
export const STABLE_MS = 10_000;

export interface LinkOptions {
  readonly config: RadioConfig;
  readonly bus: Bus;
  readonly log: Logger;
  readonly now: () => number;
  readonly createSession: (ctx: SessionContext) => DriverSession;
  readonly trustedClock: () => number | null;
  readonly gateway?: GatewayIdentity;
  readonly backoff?: BackoffOptions;
  /** Stats poll period; defaults to a third of the silence timeout, at most 60 s. */
  readonly pollIntervalMs?: number;
  readonly random?: () => number;
}

export class Link implements RadioLink {
  readonly id: string;
  private state: RadioState = "stopped";
  private since: number;
  private lastError: string | null = null;
  private ident: Identity = {};
  private readonly counters: Record<string, number> = {};
  private conn: Connection | null = null;
  private session: DriverSession | null = null;
  private stopped = true;
  private attempt = 0;
  private wake: (() => void) | null = null;
  private closeReason: string | null = null;
  private loopDone: Promise<void> = Promise.resolve();

  private readonly cfg: RadioSettings;
  private gateway: GatewayIdentity;

  constructor(private readonly o: LinkOptions) {
    this.id = o.config.id;
    this.since = o.now();
    this.cfg = applyDefaults(RADIO_SCHEMA, o.config);
    this.gateway = o.gateway ?? applyDefaults(GATEWAY_SCHEMA);
  }

  async setGateway(g: GatewayIdentity): Promise<void> {
    this.gateway = g;
    const session = this.session;
    if (this.state !== "up" || !session?.setIdentity) return;
    await session.setIdentity(g);
    this.o.log.info("radio name and position set", { radio: this.id, name: g.name });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.conn?.close();
    await this.loopDone;
    this.setState("stopped", null);
  }

  status(): RadioStatus {
    const framing = this.session?.framingCounters() ?? {};
    const counters: Record<string, number> = { ...this.counters };
    for (const [k, v] of Object.entries(framing)) counters[k] = (counters[k] ?? 0) + v;
    return {
      id: this.id,
      driver: this.cfg.driver,
      state: this.state,
      since: this.since,
      lastError: this.lastError,
      publicKey: this.ident.publicKey ?? null,
      name: this.ident.name ?? null,
      lat: this.ident.lat ?? null,
      lon: this.ident.lon ?? null,
      params: this.ident.params ?? null,
      model: this.ident.model ?? null,
      firmware: this.ident.firmware ?? null,
      clockSkewSec: this.ident.clockSkewSec ?? null,
      stats: this.ident.stats ?? null,
      counters,
    };
  }

  sendAdvert(flood: boolean): Promise<void> {
    return this.up().sendAdvert(flood);
  }
  sendChannelMessage(channel: ChannelRef, text: string): Promise<void> {
    return this.up().sendChannelMessage(channel, text);
  }
  /** Changes the radio's parameters; only ever on an explicit request. */
  setParams(p: RadioParams): Promise<void> {
    return this.up().setParams(p);
  }
  signer(): ((msg: Uint8Array) => Promise<Uint8Array>) | null {
    if (!this.cfg.allowKeyExport || !DRIVERS[this.cfg.driver].capabilities.keyExport) return null;
    return (msg) => {
      const s = this.up();
      if (!s.sign) return Promise.reject(new RadioCommandError("E_RADIO_UNSUPPORTED", "no signer"));
      return s.sign(msg);
    };
  }

  private up(): DriverSession {
    if (this.state !== "up" || !this.session) {
      throw new RadioCommandError("E_RADIO_DOWN", `radio ${this.id} is ${this.state}`);
    }
    return this.session;
  }

  private count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  private setState(state: RadioState, err: string | null): void {
    if (err !== null) this.lastError = err;
    // Back up: the old error is history (the log keeps it), not the status.
    else if (state === "up") this.lastError = null;
    if (state === this.state && err === null) return;
    this.state = state;
    this.since = this.o.now();
    const fields = {
      radio: this.id,
      target: describeTarget(this.cfg),
      ...(err === null ? {} : { error: err }),
    };
    if (state === "backoff") this.o.log.warn(`radio ${state}`, fields);
    else this.o.log.info(`radio ${state}`, fields);
    this.o.bus.emit("radio", this.status());
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.connectOnce();
      if (this.stopped) break;
      const delay = backoffDelay(this.attempt++, this.o.backoff ?? DEFAULT_BACKOFF, this.o.random);
      this.count("reconnects");
      // A gauge, not a count: the delay before this retry (for status pages).
      this.counters.backoffMs = delay;
      this.setState("backoff", this.lastError);
      this.o.log.info("radio retry", { radio: this.id, inMs: delay });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** One connection's life; resolves when it is over. Never rejects. */
  private async connectOnce(): Promise<void> {
    const cfg = this.cfg;
    const timeoutMs = cfg.commandTimeoutMs;
    this.setState("connecting", null);
    let conn: Connection;
    try {
      conn = await openConnection(cfg, timeoutMs);
    } catch (err) {
      this.lastError = errorMessage(err);
      return;
    }
    if (this.stopped) return conn.close();
    this.conn = conn;
    this.closeReason = null;
    let lastByteAt = this.o.now();
    const closed = new Promise<Error>((resolve) => conn.onClose(resolve));
    const link = this;
    const ctx: SessionContext = {
      config: cfg,
      log: this.o.log,
      commandTimeoutMs: timeoutMs,
      write: (b) => {
        this.count("bytesOut", b.length);
        conn.write(b);
      },
      rx: (raw, snr, rssi) => {
        this.count("rx");
        this.o.bus.emit("rx", { radioId: this.id, raw, snr, rssi, at: this.o.now() });
      },
      identity: (patch) => {
        this.ident = { ...this.ident, ...patch };
        // While up, every refresh (stats poll, new params) is news for the status page.
        if (this.state === "up") this.o.bus.emit("radio", this.status());
      },
      count: (name, by) => this.count(name, by),
      now: this.o.now,
      trustedClock: this.o.trustedClock,
      // Read at each use: the gateway's name and position are live settings.
      get gateway() {
        return link.gateway;
      },
    };
    const session = this.o.createSession(ctx);
    this.session = session;
    conn.onData((chunk) => {
      lastByteAt = this.o.now();
      this.count("bytesIn", chunk.length);
      try {
        session.onBytes(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (err) {
        // A driver bug must not take the daemon down: count it, log it, go on.
        this.count("driverErrors");
        this.o.log.error("radio driver error", { radio: this.id, error: errorMessage(err) });
      }
    });
    const silentMs = cfg.silentTimeoutSec * 1000;
    const watchdog = setInterval(
      () => {
        if (this.o.now() - lastByteAt <= silentMs) return;
        this.count("silentReopens");
        this.closeReason = `no bytes from the radio for ${Math.round(silentMs / 1000)} s`;
        conn.close();
      },
      Math.max(50, Math.min(1000, silentMs / 4)),
    );
    let poll: NodeJS.Timeout | null = null;
    try {
      this.setState("handshaking", null);
      const hs = await Promise.race([session.handshake().then(() => null), closed]);
      if (hs instanceof Error) throw hs;
      const upAt = this.o.now();
      this.setState("up", null);
      const pollMs = this.o.pollIntervalMs ?? Math.min(60_000, silentMs / 3);
      let polling = false;
      poll = setInterval(() => {
        if (polling) return;
        polling = true;
        session
          .poll()
          .catch((err) => {
            this.count("pollErrors");
            this.o.log.debug("radio poll failed", { radio: this.id, error: errorMessage(err) });
          })
          .finally(() => {
            polling = false;
          });
      }, pollMs);
      const err = await closed;
      this.lastError = this.closeReason ?? err.message;
      // Only a link that stayed up a while earns a fast retry; a radio that
      // drops right after every handshake keeps backing off.
      if (this.o.now() - upAt >= STABLE_MS) this.attempt = 0;
    } catch (err) {
      this.lastError = this.closeReason ?? errorMessage(err);
      conn.close();
    } finally {
      clearInterval(watchdog);
      if (poll) clearInterval(poll);
      for (const [k, v] of Object.entries(session.framingCounters())) this.count(k, v);
      session.close(new RadioCommandError("E_RADIO_DOWN", `radio ${this.id}: link lost`));
      this.session = null;
      this.conn = null;
    }
  }
}
