import type { MeshPort } from "../http/ports.ts";
import type { MeshModel } from "../mesh/model.ts";
import type { RadiosPort as MqttRadiosPort, SummaryPort } from "../mqtt/ports.ts";
import type { RadioSet } from "./radios.ts";

const ROLE_NAMES = ["none", "chat", "repeater", "room", "sensor"];

/** The mesh model as the HTTP layer sees it. */
export function meshPort(model: MeshModel): MeshPort {
  return {
    readiness() {
      const p = model.progress();
      return {
        ready: model.ready(),
        progress: p.total > 0 ? Math.min(1, p.done / p.total) : model.ready() ? 1 : 0,
        detail: p.phase,
      };
    },
    listNodes() {
      return model.nodes() as unknown as Record<string, unknown>[];
    },
    getNode(publicKey) {
      const d = model.node(publicKey);
      return d ? (d as unknown as Record<string, unknown>) : null;
    },
    graph(q) {
      return model.graph(q);
    },
    collisions() {
      return model.collisions();
    },
    analytics(kind, range) {
      return model.analytics(kind, range);
    },
  };
}

/** The mesh model as MQTT summaries read it. */
export function summaryPort(
  model: MeshModel,
  health: () => Record<string, string | number | boolean | null>,
): SummaryPort {
  return {
    nodes() {
      return model.nodes().map((n) => ({
        publicKey: n.publicKey,
        name: n.name,
        role: Math.max(0, ROLE_NAMES.indexOf(n.role)),
        lat: n.lat,
        lon: n.lon,
        lastSeen: n.lastHeard ?? 0,
      }));
    },
    edges() {
      return model.graph({ minSightings: 2 }).edges.map((e) => ({
        a: e.a,
        b: e.b,
        score: e.confidence,
        count: e.sightings,
        lastSeen: e.lastSeen,
      }));
    },
    health,
  };
}

/** The gateway's radios as the MQTT uplink reads them. */
export function mqttRadios(radios: RadioSet): MqttRadiosPort {
  return {
    get(id) {
      const s = radios.get(id)?.status();
      if (!s) return null;
      return {
        publicKey: s.publicKey,
        name: s.name,
        params: s.params,
        model: s.model,
        firmware: s.firmware,
        stats: s.stats,
        state: s.state,
      };
    },
    list: () => radios.ids(),
  };
}
