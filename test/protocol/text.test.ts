/**
 * Hostile text from the air: control characters and bidi overrides in node
 * names and channel messages are removed where the decoder reads them, so the
 * store, UI, API, logs and MQTT all get clean text; the raw bytes stay raw.
 */
import { describe, expect, it } from "vitest";
import { safeName as mqttName } from "../../daemon/mqtt/format.ts";
import { channelKeysFromConfig } from "../../daemon/protocol/channels.ts";
import { hashtagKey, identityFromSeed } from "../../daemon/protocol/crypto.ts";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import {
  buildAdvertPayload,
  buildGroupTextPayload,
  encodePacket,
} from "../../daemon/protocol/encode.ts";
import { summarize } from "../../daemon/protocol/json.ts";
import { safeName, safeText } from "../../daemon/protocol/text.ts";
import { cleanText } from "../../daemon/radio/bytes.ts";

const RLO = "\u202e";
const HOSTILE = `\u001b[31mevil${RLO}exe.txt\u0007\u2066x\u2069\u200f`;

describe("safeName / safeText", () => {
  it("removes C0/C1 controls, DEL and every bidi control; keeps other text", () => {
    expect(safeName(HOSTILE)).toBe("[31mevilexe.txtx");
    expect(safeName("Zoë 🌲☁️ node")).toBe("Zoë 🌲☁️ node");
    expect(safeText("line 1\nline 2\u0085\u009b\u007f")).toBe("line 1\nline 2");
    expect(safeName("a\nb")).toBe("ab");
  });
});

describe("decoder output", () => {
  const key = hashtagKey("#hostile");
  const channels = channelKeysFromConfig([{ name: "#hostile" }], false);

  it("cleans channel senders and text", () => {
    const payload = buildGroupTextPayload({
      key,
      timestamp: 5,
      sender: `Bob${RLO}\u001b`,
      text: `hi\u001b[2J${RLO}there\nnext`,
    });
    const raw = encodePacket({ route: 1, payloadType: 5, hashSize: 1, hops: [], payload });
    const r = decodePacket(raw, { channels });
    expect(r.ok).toBe(true);
    if (!r.ok || r.packet.body.kind !== "GRP_TXT") throw new Error("not GRP_TXT");
    expect(r.packet.body.decrypted).toMatchObject({ sender: "Bob", text: "hi[2Jthere\nnext" });
    expect(summarize(r)).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it("cleans advert names", () => {
    const identity = identityFromSeed(new Uint8Array(32).fill(3));
    const payload = buildAdvertPayload({ identity, timestamp: 9, role: 1, name: `a${RLO}b\u0000` });
    const raw = encodePacket({ route: 1, payloadType: 4, hashSize: 1, hops: [], payload });
    const r = decodePacket(raw, { channels: [] });
    if (!r.ok || r.packet.body.kind !== "ADVERT") throw new Error("not ADVERT");
    expect(r.packet.body.name).toBe("ab");
  });

  it("radio-side names and MQTT names go through the same cleaner", () => {
    expect(cleanText(new TextEncoder().encode(HOSTILE))).toBe("[31mevilexe.txtx");
    expect(mqttName(HOSTILE, "fallback")).toBe("[31mevilexe.txtx");
  });
});
