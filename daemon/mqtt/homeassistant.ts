/**
 * Home Assistant MQTT discovery: one retained config per gateway sensor on
 * `<prefix>/sensor/<unique id>/config`, all reading one JSON state topic,
 * with availability taken from the connection's last will.
 */
import type { Outgoing } from "./format.ts";

export interface HaSensor {
  readonly key: string;
  readonly name: string;
  readonly unit?: string;
  readonly deviceClass?: string;
  readonly stateClass?: "measurement";
  readonly icon?: string;
}

export const HA_SENSORS: readonly HaSensor[] = [
  {
    key: "packets_per_minute",
    name: "Packets per minute",
    unit: "pkt/min",
    stateClass: "measurement",
    icon: "mdi:radio-tower",
  },
  {
    key: "noise_floor",
    name: "Noise floor",
    unit: "dBm",
    deviceClass: "signal_strength",
    stateClass: "measurement",
  },
  { key: "radio_state", name: "Radio state", icon: "mdi:access-point" },
  {
    key: "outbox_depth",
    name: "Outbox depth",
    unit: "msg",
    stateClass: "measurement",
    icon: "mdi:tray-full",
  },
  {
    key: "nodes_heard",
    name: "Nodes heard",
    unit: "nodes",
    stateClass: "measurement",
    icon: "mdi:account-group",
  },
];

export interface HaState {
  readonly packets_per_minute: number;
  readonly noise_floor: number | null;
  readonly radio_state: string;
  readonly outbox_depth: number;
  readonly nodes_heard: number;
}

export interface Availability {
  readonly topic: string;
  /** Set when the will is a JSON status message rather than a plain word. */
  readonly jsonStatus: boolean;
}

export function haStateTopic(gw: string): string {
  return `meshgate/${gw}/ha/state`;
}

export function discoveryMessages(
  prefix: string,
  gw: string,
  version: string,
  availability: Availability,
): Outgoing[] {
  const device = {
    identifiers: [`meshgate_${gw}`],
    name: `meshgate ${gw}`,
    manufacturer: "meshgate",
    model: "MeshCore gateway",
    sw_version: version,
  };
  return HA_SENSORS.map((s) => {
    const uniqueId = `meshgate_${gw}_${s.key}`;
    const config: Record<string, unknown> = {
      name: s.name,
      unique_id: uniqueId,
      state_topic: haStateTopic(gw),
      value_template: `{{ value_json.${s.key} }}`,
      availability: [
        {
          topic: availability.topic,
          payload_available: "online",
          payload_not_available: "offline",
          ...(availability.jsonStatus ? { value_template: "{{ value_json.status }}" } : {}),
        },
      ],
      device,
    };
    if (s.unit) config.unit_of_measurement = s.unit;
    if (s.deviceClass) config.device_class = s.deviceClass;
    if (s.stateClass) config.state_class = s.stateClass;
    if (s.icon) config.icon = s.icon;
    return {
      topic: `${prefix}/sensor/${uniqueId}/config`,
      payload: JSON.stringify(config),
      qos: 1,
      retain: true,
    };
  });
}

export function haStateMessage(gw: string, state: HaState): Outgoing {
  return { topic: haStateTopic(gw), payload: JSON.stringify(state), qos: 0, retain: true };
}
