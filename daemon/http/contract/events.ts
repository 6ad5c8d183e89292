/** Messages on /ws: `{type, data}` per topic, plus the hub's own notices. */
import type { MqttBroker, RadioStatus } from "./misc.ts";
import type { ObservedPacket } from "./packets.ts";

export type WsMessage =
  | { readonly type: "hello"; readonly topics: readonly string[]; readonly [k: string]: unknown }
  | { readonly type: "packet"; readonly data: ObservedPacket }
  | {
      readonly type: "node";
      readonly data: { readonly publicKey: string; readonly change: "new" | "updated" };
    }
  | { readonly type: "radio"; readonly data: RadioStatus }
  | { readonly type: "mqtt"; readonly data: MqttBroker }
  | { readonly type: "dropped"; readonly count: number };
