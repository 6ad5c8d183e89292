import type { MeshModel } from "../mesh/model.ts";
import type { RadiosPort as MqttRadiosPort, SummaryPort } from "../mqtt/ports.ts";
import { roleNumber } from "../protocol/roles.ts";
import type { RadioSet } from "./radios.ts";

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
        role: roleNumber(n.role),
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
