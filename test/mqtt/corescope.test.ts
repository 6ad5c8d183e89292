/**
 * Read the packets feed the way CoreScope's ingest does: topic
 * `meshcore/{IATA}/{OBSERVER}/packets` split into region and observer, then
 * `raw`, `SNR`/`snr`, `RSSI`/`rssi`, `origin`, `timestamp` from the JSON,
 * and the hash recomputed from `raw`. Fed with the real corpus through the
 * uplink and a real mosquitto.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Bus } from "../../daemon/core/bus.ts";
import type { StoredPacket } from "../../daemon/core/types.ts";
import { MqttUplink } from "../../daemon/mqtt/uplink.ts";
import { frameLayout, packetHash } from "../../daemon/protocol/hash.ts";
import { cleanupsAfterEach } from "../support/cleanups.ts";
import { MOSQUITTO, Mosquitto } from "../support/mosquitto.ts";
import { Collector, RADIO_KEY, uplinkDeps } from "../support/mqtt/fixtures.ts";
import { MemoryOutbox } from "../support/mqtt/outbox.ts";
import { until } from "../support/wait.ts";

const CORPUS = path.resolve(
  import.meta.dirname,
  "../../../shared/corpus/corescope-fixture-packets.jsonl",
);
const haveCorpus = existsSync(CORPUS);
if (!haveCorpus) console.warn(`corpus not found at ${CORPUS}: CoreScope ingest test skipped`);
if (!MOSQUITTO) console.warn("mosquitto binary not found: CoreScope ingest test skipped");

/** CoreScope-style parsing: numbers from strings, either field spelling. */
function toFloat(v: unknown): number | null {
  const n = typeof v === "number" ? v : Number.parseFloat(String(v));
  return Number.isFinite(n) ? n : null;
}

describe.skipIf(!haveCorpus || !MOSQUITTO)("packets feed as CoreScope ingests it", () => {
  const cleanup = cleanupsAfterEach();

  it("gives region, observer, raw, SNR, RSSI, origin, timestamp and a matching hash for every corpus packet", async () => {
    const lines = readFileSync(CORPUS, "utf8").split("\n").filter(Boolean);
    const items: StoredPacket[] = [];
    for (const [i, line] of lines.entries()) {
      const rec = JSON.parse(line) as { raw: string; heard_at: string };
      const raw = Buffer.from(rec.raw, "hex");
      const layout = frameLayout(raw);
      const hash = packetHash(raw);
      // One corpus packet has header version 3, which the firmware drops: so do we.
      if (!layout || !hash || layout.version !== 0) continue;
      items.push({
        id: i + 1,
        hash,
        raw: Uint8Array.from(raw),
        at: Date.parse(rec.heard_at),
        radioId: "r1",
        payloadType: layout.payloadType,
        route: layout.route,
        version: layout.version,
        snr: Math.round(((i % 80) - 40) * 0.25 * 100) / 100,
        rssi: -60 - (i % 60),
        hashSize: layout.hashSize,
        hops: [],
        firstSeen: true,
        summary: "",
        error: null,
      });
    }
    expect(items.length).toBeGreaterThanOrEqual(lines.length - 1);

    const broker = await Mosquitto.create();
    await broker.start();
    cleanup.push(() => broker.stop());
    const sub = await Collector.connect(broker.url, ["meshcore/+/+/packets"]);
    cleanup.push(() => sub.close());
    const bus = new Bus();
    const outbox = new MemoryOutbox();
    const uplink = new MqttUplink(
      uplinkDeps([{ id: "corescope", url: broker.url, feeds: ["packets"] }], outbox, bus),
    );
    cleanup.push(() => uplink.stop());
    await uplink.start();
    for (const p of items) bus.emit("packet", p);
    await sub.waitFor((m) => m.length >= items.length, 30_000);
    await until(() => outbox.size === 0, 10_000, "outbox drained");

    for (const [i, m] of sub.messages.entries()) {
      const expected = items[i];
      if (!expected) throw new Error("more messages than packets");
      const parts = m.topic.split("/");
      expect(parts).toHaveLength(4);
      expect(parts[0]).toBe("meshcore");
      const [, region, observer] = parts;
      expect(region).toBe("SFO");
      expect(observer).toBe(RADIO_KEY);
      const msg = JSON.parse(m.payload) as Record<string, unknown>;
      expect(msg.origin_id).toBe(observer); // brokers check this against the login
      expect(msg.origin).toBe("Test Gateway Radio");
      const raw = Buffer.from(String(msg.raw), "hex");
      expect(raw.toString("hex")).toBe(Buffer.from(expected.raw).toString("hex"));
      expect(toFloat(msg.SNR ?? msg.snr)).toBe(expected.snr);
      expect(toFloat(msg.RSSI ?? msg.rssi)).toBe(expected.rssi);
      expect(Date.parse(String(msg.timestamp))).toBe(expected.at);
      expect(msg.direction).toBe("rx");
      // CoreScope recomputes the hash; it must equal the one we sent and ingest stored.
      const recomputed = packetHash(new Uint8Array(raw));
      expect(recomputed).toBe(expected.hash);
      expect(String(msg.hash).toLowerCase()).toBe(recomputed);
    }
  }, 60_000);
});
