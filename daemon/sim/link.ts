/**
 * The simulator as one of the daemon's radios (driver "simulator"): heard
 * packets go to the bus as `rx`, status as `radio`, and what the daemon
 * sends (adverts, channel text) is transmitted into the simulated mesh.
 */
import type { Bus } from "../core/bus.ts";
import type { Logger } from "../core/log.ts";
import type { FromSchema } from "../core/schema-type.ts";
import type { RadioParams, RadioStatus } from "../core/types.ts";
import {
  PAYLOAD_ADVERT,
  PAYLOAD_GRP_TXT,
  ROUTE_DIRECT,
  ROUTE_FLOOD,
} from "../protocol/constants.ts";
import { sign } from "../protocol/crypto.ts";
import {
  buildAdvertPayload,
  buildGroupTextPayload,
  encodePacket,
  fitAdvertName,
} from "../protocol/encode.ts";
import type { GatewayIdentity } from "../radio/types.ts";
import type { SIMULATOR_SCHEMA } from "./config-schema.ts";
import { MeshSimulator, type MeshSimulatorOptions } from "./simulator.ts";

/** The `simulator` config section (sim/config-schema.ts), defaults applied; `enabled` is the app's to read. */
export type SimulatorConfig = Readonly<Omit<FromSchema<typeof SIMULATOR_SCHEMA>, "enabled">>;

/** `channels` are the configured channels (`channels` in the config). */
export interface SimulatedRadioDeps
  extends Pick<MeshSimulatorOptions, "channels" | "radioId" | "clock"> {
  readonly bus: Bus;
  readonly log: Logger;
  readonly config: SimulatorConfig;
}

/** Channel passed by the daemon: name and secret (like radio/types.ts ChannelRef). */
export interface SimChannelRef {
  readonly name: string;
  readonly key: Uint8Array;
}

const PARAMS: RadioParams = { freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5, txPowerDbm: 22 };

export class SimulatedRadio {
  readonly name = "radio:simulator";
  readonly id: string;
  readonly sim: MeshSimulator;
  private readonly deps: SimulatedRadioDeps;
  private readonly clock: () => number;
  private state: RadioStatus["state"] = "stopped";
  private since: number;
  private params: RadioParams = PARAMS;
  private readonly counters: Record<string, number> = { rx: 0, tx: 0 };
  private readonly startedAt: number;

  constructor(deps: SimulatedRadioDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? Date.now;
    this.id = deps.radioId ?? "sim";
    const opts: MeshSimulatorOptions = {
      ...deps.config,
      channels: deps.channels,
      radioId: this.id,
      clock: this.clock,
    };
    this.sim = new MeshSimulator(opts);
    this.since = this.clock();
    this.startedAt = this.since;
  }

  async start(): Promise<void> {
    this.state = "up";
    this.since = this.clock();
    this.deps.log.info("simulated mesh running", {
      nodes: this.deps.config.nodes,
      seed: this.deps.config.seed,
      packetsPerSec: this.deps.config.packetsPerSec,
      gateway: this.sim.gateway.publicKey,
    });
    this.emitStatus();
    this.sim.start((rx) => {
      this.counters.rx = (this.counters.rx ?? 0) + 1;
      this.deps.bus.emit("rx", rx);
    });
  }

  async stop(): Promise<void> {
    this.sim.stop();
    this.state = "stopped";
    this.since = this.clock();
    this.emitStatus();
  }

  status(): RadioStatus {
    const g = this.sim.gateway;
    return {
      id: this.id,
      driver: "simulator",
      state: this.state,
      since: this.since,
      lastError: null,
      publicKey: g.publicKey,
      name: g.name,
      params: this.params,
      model: "meshgate simulator",
      firmware: "sim",
      clockSkewSec: 0,
      stats: {
        noiseFloorDbm: -120,
        txAirSecs: null,
        rxAirSecs: null,
        batteryMv: null,
        uptimeSecs: Math.floor((this.clock() - this.startedAt) / 1000),
        recvErrors: 0,
        queueLen: 0,
      },
      counters: { ...this.counters },
    };
  }

  async sendAdvert(flood: boolean): Promise<void> {
    const g = this.sim.gateway;
    const where = { role: 1, lat: g.lat, lon: g.lon };
    const payload = buildAdvertPayload({
      identity: this.sim.identity,
      timestamp: Math.floor(this.clock() / 1000),
      ...where,
      name: fitAdvertName(g.name, where),
    });
    this.send(flood ? ROUTE_FLOOD : ROUTE_DIRECT, PAYLOAD_ADVERT, payload);
  }

  async sendChannelMessage(channel: SimChannelRef, text: string): Promise<void> {
    const payload = buildGroupTextPayload({
      key: channel.key,
      timestamp: Math.floor(this.clock() / 1000),
      sender: this.sim.gateway.name,
      text,
    });
    this.send(ROUTE_FLOOD, PAYLOAD_GRP_TXT, payload);
  }

  /** The gateway's live name and position: the simulated radio takes them as a companion would. */
  async setGateway(g: GatewayIdentity): Promise<void> {
    this.sim.setGateway(g);
    this.deps.log.info("radio name and position set", { radio: this.id, name: g.name });
    this.emitStatus();
  }

  async setParams(p: RadioParams): Promise<void> {
    this.params = p;
    this.emitStatus();
  }

  signer(): (msg: Uint8Array) => Promise<Uint8Array> {
    return async (msg) => sign(this.sim.identity, msg);
  }

  private send(route: number, payloadType: number, payload: Uint8Array): void {
    this.sim.transmit(encodePacket({ route, payloadType, hashSize: 1, hops: [], payload }));
    this.counters.tx = (this.counters.tx ?? 0) + 1;
  }

  private emitStatus(): void {
    this.deps.bus.emit("radio", this.status());
  }
}
