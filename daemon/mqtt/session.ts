/**
 * Per-broker connection details that depend on the radios: which radio is
 * the observer (its key names the status topic, the will and the token), the
 * will itself, and the token source.
 */
import { MeshgateError } from "../core/errors.ts";
import type { ResolvedBroker } from "./config.ts";
import { type Outgoing, observerTopic, statusMessage } from "./format.ts";
import type { Availability } from "./homeassistant.ts";
import type { Now, RadioInfo, SignerPort } from "./ports.ts";
import { TokenSource } from "./token.ts";

export class SessionError extends MeshgateError {
  constructor(message: string) {
    super("E_MQTT_SESSION", message);
  }
}

export interface SessionContext {
  readonly radioIds: () => readonly string[];
  readonly radio: (id: string) => RadioInfo | null;
  readonly signer?: SignerPort;
  readonly gatewayName: string;
  readonly gwTopic: string;
  readonly version: string;
  readonly now: Now;
}

export interface PreparedSession {
  readonly will?: Outgoing;
  readonly username?: string;
  readonly password?: string;
  readonly renewInMs?: number;
  readonly availability: Availability;
}

export class SessionBuilder {
  private tokens: TokenSource | null = null;
  private tokenKey = "";

  constructor(
    private readonly broker: ResolvedBroker,
    private readonly ctx: SessionContext,
  ) {}

  /** The radio this broker sees as "the observer" (null until one has a key). */
  primaryRadio(): { id: string; info: RadioInfo & { publicKey: string } } | null {
    const a = this.broker.auth;
    const ids = a.type === "token" && a.radio ? [a.radio] : this.ctx.radioIds();
    for (const id of ids) {
      const info = this.ctx.radio(id);
      if (info?.publicKey) return { id, info: info as RadioInfo & { publicKey: string } };
    }
    return null;
  }

  async prepare(): Promise<PreparedSession> {
    const b = this.broker;
    const primary = this.primaryRadio();
    let will: Outgoing | undefined;
    let availability: Availability = {
      topic: `meshgate/${this.ctx.gwTopic}/availability`,
      jsonStatus: false,
    };
    if (b.feeds.has("status") && primary) {
      const topic = observerTopic(b.topicPrefix, b.iata, primary.info.publicKey, "status");
      const payload = statusMessage(
        "offline",
        primary.info,
        this.ctx.gatewayName,
        this.ctx.version,
        this.ctx.now(),
      );
      will = { topic, payload: JSON.stringify(payload), qos: 1, retain: true };
      availability = { topic, jsonStatus: true };
    } else if (b.feeds.has("homeassistant")) {
      will = { topic: availability.topic, payload: "offline", qos: 1, retain: true };
    }
    const out: { -readonly [K in keyof PreparedSession]: PreparedSession[K] } = { availability };
    if (will) out.will = will;
    const a = b.auth;
    if (a.type === "password") {
      out.username = a.username;
      out.password = a.password;
    } else if (a.type === "token") {
      if (!primary) throw new SessionError("token auth: the radio's public key is not known yet");
      const signer = this.ctx.signer?.(primary.id) ?? null;
      if (!signer) throw new SessionError(`token auth: no signer for radio ${primary.id}`);
      const key = `${primary.id}:${primary.info.publicKey}`;
      if (!this.tokens || this.tokenKey !== key) {
        this.tokenKey = key;
        this.tokens = new TokenSource({
          signer,
          publicKey: primary.info.publicKey,
          audience: a.audience ?? b.host,
          client: `meshgate/${this.ctx.version}`,
          ...(a.owner ? { owner: a.owner } : {}),
          ...(a.email ? { email: a.email } : {}),
          ...(a.ttlSec ? { ttlSec: a.ttlSec } : {}),
          ...(a.renewBeforeSec ? { renewBeforeSec: a.renewBeforeSec } : {}),
          now: this.ctx.now,
        });
      }
      const token = await this.tokens.current();
      out.username = token.username;
      out.password = token.password;
      out.renewInMs = this.tokens.msUntilRenewal();
    }
    return out;
  }
}
