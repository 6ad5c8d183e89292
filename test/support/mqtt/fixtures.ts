/** Synthetic packets, radios and a subscriber for the MQTT tests. */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Bus } from "../../../daemon/core/bus.ts";
import { toHex } from "../../../daemon/core/bytes.ts";
import { silentLogger } from "../../../daemon/core/log.ts";
import type { PacketItem } from "../../../daemon/core/types.ts";
import type { BrokerConfig } from "../../../daemon/mqtt/config.ts";
import type { OutboxPort, RadioInfo, RadiosPort } from "../../../daemon/mqtt/ports.ts";
import type { MqttUplinkDeps } from "../../../daemon/mqtt/uplink.ts";
import { identityFromSeed, sign } from "../../../daemon/protocol/crypto.ts";
import { packetHash } from "../../../daemon/protocol/hash.ts";
import { rng } from "../rng.ts";

/** Packet i: a flood GRP_TXT (header 0x15, no hops, channel hash 0x11) with a seeded body. */
export function makePacket(
  i: number,
  radioId = "r1",
  at = Date.UTC(2026, 10, 23, 12, 0, 0) + i * 1000,
): PacketItem {
  const r = rng(i + 1);
  const raw = new Uint8Array(2 + 1 + 2 + 32);
  raw[0] = 0x15; // route FLOOD (1) | GRP_TXT (5) << 2
  raw[1] = 0x00; // path_len: 0 hops, 1-byte hashes
  raw[2] = 0x11; // public channel hash
  for (let k = 3; k < raw.length; k++) raw[k] = Math.floor(r() * 256);
  // Make each body unique by construction (a PRNG collision would merge hashes).
  raw[3] = i & 0xff;
  raw[4] = (i >> 8) & 0xff;
  const hash = packetHash(raw);
  if (!hash) throw new Error("fixture packet did not parse");
  return {
    id: i + 1,
    hash,
    raw: toHex(raw),
    receivedAt: new Date(at).toISOString(),
    radioId,
    payloadType: "GRP_TXT",
    route: "FLOOD",
    snr: Math.round((r() * 30 - 15) * 4) / 4,
    rssi: -Math.floor(60 + r() * 60),
    hashSize: 1,
    hops: [],
    firstSeen: true,
    summary: "",
    error: null,
  };
}

export const RADIO_SEED = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
export const RADIO_IDENTITY = identityFromSeed(RADIO_SEED);
export const RADIO_KEY = toHex(RADIO_IDENTITY.publicKey).toUpperCase();

export function radioInfo(over: Partial<RadioInfo> = {}): RadioInfo {
  return {
    publicKey: RADIO_KEY,
    name: "Test Gateway Radio",
    params: { freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 },
    model: "Heltec V3",
    firmware: "v1.16.0",
    stats: {
      noiseFloorDbm: -112,
      txAirSecs: 10,
      rxAirSecs: 300,
      batteryMv: 4100,
      uptimeSecs: 3600,
      recvErrors: 2,
      queueLen: 0,
    },
    state: "up",
    ...over,
  };
}

export function radiosPort(info: RadioInfo | null = radioInfo()): RadiosPort {
  return { get: (id) => (id === "r1" ? info : null), list: () => ["r1"] };
}

/** An uplink's dependencies as the tests use them: gateway "gw" at SFO, a silent log, the fixture radio; `over` changes any. */
export function uplinkDeps(
  brokers: readonly BrokerConfig[],
  outbox: OutboxPort,
  bus: Bus,
  over: Partial<MqttUplinkDeps> = {},
): MqttUplinkDeps {
  return {
    brokers,
    gateway: { name: "gw", iata: "SFO", lat: null, lon: null },
    outbox,
    bus,
    log: silentLogger(),
    version: "0.1.0",
    radios: radiosPort(),
    ...over,
  };
}

export const testSigner = async (msg: Uint8Array) => sign(RADIO_IDENTITY, msg);

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A subscriber that records everything it receives. */
export class Collector {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain });
    });
  }

  static async connect(
    url: string,
    topics: string[],
    opts: IClientOptions = {},
  ): Promise<Collector> {
    const client = mqtt.connect(url, { reconnectPeriod: 0, ...opts });
    // Listen before CONNACK: a persistent session's queue arrives right after it.
    const c = new Collector(client);
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    await client.subscribeAsync(topics, { qos: 1 });
    return c;
  }

  async waitFor(pred: (msgs: readonly Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      if (Date.now() > until) throw new Error(`timed out with ${this.messages.length} messages`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

export async function until(
  pred: () => boolean,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
