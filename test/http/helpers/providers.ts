/** Small fakes of the ports for tests: each records what it was asked. */
import type { RadioStatus } from "../../../daemon/core/types.ts";
import type { MeshModelLike } from "../../../daemon/http/adapters.ts";
import type {
  ActionResult,
  ActionsPort,
  MqttPort,
  RadiosPort,
} from "../../../daemon/http/ports.ts";
import type { NodeRow } from "../../../daemon/store/api.ts";

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

/** A mesh model look-alike over a node list; `building` flips readiness. */
export class FakeMesh implements MeshModelLike {
  building = false;
  readonly analyticsCalls: [string, string][] = [];
  constructor(private readonly list: readonly NodeRow[]) {}
  ready() {
    return !this.building;
  }
  progress() {
    return { phase: "replay", done: 250, total: 1000 };
  }
  nodes() {
    return this.list.map((n) => ({
      publicKey: n.publicKey,
      name: n.name,
      role: ["unknown", "chat", "repeater", "room", "sensor"][n.role] ?? "unknown",
      status: n.lastSeen > 0 ? "healthy" : "silent",
      lat: n.lat,
      lon: n.lon,
      lastHeard: n.lastSeen,
      lastAdvert: n.lastAdvert,
      advertCount: n.advertCount,
      relayed: 0,
    }));
  }
  node(key: string) {
    const n = this.nodes().find((x) => x.publicKey === key);
    return n ? { ...n, neighbours: [{ a: key, b: "AA", score: 0.8, confidence: 0.9 }] } : null;
  }
  graph() {
    const keys = this.list.map((n) => n.publicKey);
    return {
      nodes: keys.map((id) => ({ id, resolved: true })),
      edges: keys.slice(1).map((k, i) => ({ a: keys[i], b: k, score: 0.5, confidence: 0.7 })),
    };
  }
  collisions() {
    return {
      knownNodes: this.list.length,
      shared: { "1": 1, "2": 0, "3": 0 },
      collisions: [{ prefix: "AB", bytes: 1, keys: ["AB01", "AB02"] }],
    };
  }
  analytics(kind: never, range: never) {
    this.analyticsCalls.push([kind, range]);
    return { kind, range, bucketMs: 60_000, points: [{ t: 0, count: 3 }] };
  }
}
