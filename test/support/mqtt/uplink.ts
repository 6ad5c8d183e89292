/** A scripted broker and an uplink to it, as the MQTT tests start them. */
import { Bus } from "../../../daemon/core/bus.ts";
import { silentLogger } from "../../../daemon/core/log.ts";
import { MqttUplink, type MqttUplinkDeps } from "../../../daemon/mqtt/uplink.ts";
import type { Cleanups } from "../cleanups.ts";
import { FakeBroker } from "./fake-broker.ts";
import { radiosPort } from "./fixtures.ts";
import { MemoryOutbox } from "./outbox.ts";

/** A scripted broker listening on loopback, closed by the cleanups. */
export async function listeningBroker(cleanups: Cleanups): Promise<FakeBroker> {
  const broker = new FakeBroker();
  await broker.listen();
  cleanups.push(() => broker.close());
  return broker;
}

/**
 * An uplink (not started) with the tests' usual gateway ("gw" in SFO, not
 * placed), a memory outbox, a fresh bus, a silent log and the test radio;
 * `more` replaces any of them. Stopped by the cleanups.
 */
export function testUplink(
  cleanups: Cleanups,
  more: Partial<MqttUplinkDeps> & Pick<MqttUplinkDeps, "brokers">,
): MqttUplink {
  const uplink = new MqttUplink({
    gateway: { name: "gw", iata: "SFO", lat: null, lon: null },
    outbox: new MemoryOutbox(),
    bus: new Bus(),
    log: silentLogger(),
    version: "0.1.0",
    radios: radiosPort(),
    ...more,
  });
  cleanups.push(() => uplink.stop());
  return uplink;
}
