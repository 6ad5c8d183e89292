/** Small fakes of the ports for tests: each records what it was asked. */

import { silentLogger } from "../../../daemon/core/log.ts";
import type { RadioStatus } from "../../../daemon/core/types.ts";
import { meshPortFrom } from "../../../daemon/http/adapters.ts";
import type {
  ActionResult,
  ActionsPort,
  MeshPort,
  MqttPort,
  RadiosPort,
} from "../../../daemon/http/ports.ts";
import { MeshModel } from "../../../daemon/mesh/index.ts";
import type { NodeRow } from "../../../daemon/store/api.ts";
import { T0 } from "./fixtures.ts";

export function radioStatus(id: string, state: RadioStatus["state"] = "up"): RadioStatus {
  return {
    id,
    driver: "companion",
    state,
    since: 0,
    lastError: state === "up" ? null : "ENOENT",
    publicKey: null,
    name: id,
    params: { freqMHz: 910.525, bwKHz: 62.5, sf: 7, cr: 5 },
    model: null,
    firmware: null,
    clockSkewSec: null,
    stats: null,
    counters: { frames: 1 },
  };
}

export const radios = (...list: RadioStatus[]): RadiosPort => ({ list: () => list });

export const mqtt = (connected: boolean): MqttPort => ({
  status: () => [{ name: "local", state: connected ? "connected" : "reconnecting", connected }],
});

export class FakeActions implements ActionsPort {
  readonly calls: { name: string; req: unknown }[] = [];
  result: ActionResult = { ok: true, detail: { queued: true } };
  private record(name: string, req: unknown): Promise<ActionResult> {
    this.calls.push({ name, req });
    return Promise.resolve(this.result);
  }
  sendChannelMessage(req: { channel: string; text: string }) {
    return this.record("sendChannelMessage", req);
  }
  sendAdvert(req: { flood: boolean }) {
    return this.record("sendAdvert", req);
  }
  addChannelKey(req: { name: string; key: string | null }) {
    return this.record("addChannelKey", req);
  }
  removeChannelKey(req: { name: string }) {
    return this.record("removeChannelKey", req);
  }
  setRadioParams(req: unknown) {
    return this.record("setRadioParams", req);
  }
}

/**
 * The real mesh model, built over an empty store and fed one verified advert
 * per node (heard by radio r1, whose key is RADIO_KEY) and one flood relayed
 * along the nodes in order, so every consecutive pair is a neighbour.
 * `building` makes the port report an index build in progress.
 */
export const RADIO_KEY = "AB".repeat(32);

export async function realMesh(nodes: readonly NodeRow[], at = T0) {
  const model = new MeshModel({ config: {}, log: silentLogger(), now: () => at });
  await model.rebuild({ scanObservations: async () => [], listNodes: async () => [] });
  const base = {
    radioId: "r1",
    radioKey: RADIO_KEY,
    route: 1,
    hashSize: 1,
    rawLength: 60,
    firstSeen: true,
  };
  nodes.forEach((n, i) => {
    model.observe({
      ...base,
      hash: (0x1000 + i).toString(16).padStart(16, "0"),
      at: at - 60_000 + i,
      payloadType: 4,
      hops: [],
      snr: 6.5 - i,
      rssi: -70 - i,
      advert: {
        publicKey: n.publicKey,
        role: n.role,
        lat: n.lat,
        lon: n.lon,
        name: n.name,
        timestamp: 1,
      },
    });
  });
  // A repeater-chain flood: hops are the nodes' 1-byte prefixes, in order.
  model.observe({
    ...base,
    hash: "00000000000fffff",
    at: at - 1000,
    payloadType: 5,
    hops: nodes.map((n) => n.publicKey.slice(0, 2).toLowerCase()),
    snr: 2.25,
    rssi: -101,
  });
  const port = meshPortFrom(model);
  const state = { building: false };
  const mesh: MeshPort = {
    ...port,
    readiness: () =>
      state.building ? { ready: false, progress: 0.25, detail: "replay" } : port.readiness(),
  };
  return { model, mesh, state };
}
