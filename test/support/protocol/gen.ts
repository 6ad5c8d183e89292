/**
 * Seeded generator of valid packets for property and fuzz tests: a spec, the
 * encoded bytes, and what the decoder must report for the payload.
 */
import {
  hashtagKey,
  identityFromSeed,
  PUBLIC_CHANNEL_KEY,
} from "../../../daemon/protocol/crypto.ts";
import {
  buildAckPayload,
  buildAdvertPayload,
  buildAnonReqPayload,
  buildControlDiscoverReq,
  buildControlDiscoverResp,
  buildDirectPayload,
  buildGroupDataPayload,
  buildGroupTextPayload,
  buildMultipartPayload,
  buildTracePayload,
  encodePacket,
  type PacketSpec,
} from "../../../daemon/protocol/encode.ts";
import type { TestRng } from "../rng.ts";

export const GEN_CHANNELS = [
  { name: "public", key: PUBLIC_CHANNEL_KEY },
  { name: "#test", key: hashtagKey("#test") },
  { name: "#gen", key: hashtagKey("#gen") },
];

const identities = [1, 2, 3, 4].map((n) => identityFromSeed(new Uint8Array(32).fill(n)));
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.!?#é🌲☁️ü";

export function text(r: TestRng, maxBytes: number): string {
  let s = "";
  const chars = Array.from(ALPHABET);
  for (;;) {
    const c = r.pick(chars);
    if (Buffer.byteLength(s + c) > maxBytes) return s;
    if (r.next() < 0.08) return s;
    s += c;
  }
}

export interface Generated {
  spec: PacketSpec;
  raw: Uint8Array;
  /** Fields the decoded body must contain (toMatchObject). */
  expect: Record<string, unknown>;
}

export function generate(r: TestRng): Generated {
  const route = r.int(0, 3);
  const hashSize = r.pick([1, 2, 3] as const);
  const type = r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15]);
  let expect: Record<string, unknown> = {};
  let payload: Uint8Array;
  let size: 1 | 2 | 3 = hashSize;
  switch (type) {
    case 4: {
      const lat = r.next() < 0.5 ? r.int(-90e6, 90e6) / 1e6 : undefined;
      const lon = lat !== undefined ? r.int(-180e6, 180e6) / 1e6 : undefined;
      const feature1 = r.next() < 0.2 ? r.int(1, 0xffff) : undefined;
      const feature2 = r.next() < 0.2 ? r.int(1, 0xffff) : undefined;
      const used = 1 + (lat !== undefined ? 8 : 0) + (feature1 ? 2 : 0) + (feature2 ? 2 : 0);
      const name = r.next() < 0.9 ? text(r, 32 - used) : undefined;
      const spec = {
        identity: r.pick(identities),
        timestamp: r.int(0, 0xffffffff),
        role: r.int(1, 4),
        lat,
        lon,
        name: name === "" ? undefined : name,
        feature1,
        feature2,
      };
      payload = buildAdvertPayload(spec);
      expect = {
        kind: "ADVERT",
        timestamp: spec.timestamp,
        role: spec.role,
        lat: lat ?? null,
        lon: lon ?? null,
        name: spec.name ?? null,
        feature1: feature1 ?? null,
        feature2: feature2 ?? null,
        signatureValid: true,
        appDataValid: true,
      };
      break;
    }
    case 5: {
      const ch = r.pick(GEN_CHANNELS);
      const sender = text(r, 20).replaceAll(": ", "") || "x";
      const body = text(r, 160 - Buffer.byteLength(sender));
      const timestamp = r.int(0, 0xffffffff);
      payload = buildGroupTextPayload({ key: ch.key, timestamp, sender, text: body });
      expect = {
        kind: "GRP_TXT",
        decrypted: { channel: ch.name, sender, text: body, timestamp, textType: 0 },
      };
      break;
    }
    case 6: {
      const ch = r.pick(GEN_CHANNELS);
      const data = r.bytes(r.int(0, 150));
      const dataType = r.int(0, 0xffff);
      payload = buildGroupDataPayload({ key: ch.key, dataType, data });
      expect = {
        kind: "GRP_DATA",
        decrypted: { channel: ch.name, dataType, data, truncated: false },
      };
      break;
    }
    case 0:
    case 1:
    case 2:
    case 8: {
      const spec = {
        destHash: r.int(0, 255),
        srcHash: r.int(0, 255),
        mac: r.bytes(2),
        ciphertext: r.bytes(r.int(1, 150)),
      };
      payload = buildDirectPayload(spec);
      expect = { kind: ["REQ", "RESPONSE", "TXT_MSG", "", "", "", "", "", "PATH"][type], ...spec };
      break;
    }
    case 3: {
      const ack = r.int(0, 0xffffffff);
      const extra = r.next() < 0.5 ? r.bytes(2) : new Uint8Array(0);
      payload = buildAckPayload(ack, extra);
      expect = { kind: "ACK", ack, extra };
      break;
    }
    case 7: {
      const spec = {
        destHash: r.int(0, 255),
        senderPublicKey: r.bytes(32),
        mac: r.bytes(2),
        ciphertext: r.bytes(r.int(1, 140)),
      };
      payload = buildAnonReqPayload(spec);
      expect = { kind: "ANON_REQ", ...spec };
      break;
    }
    case 9: {
      size = 1; // TRACE path bytes are SNRs, one per hop
      const flags = r.int(0, 3);
      const spec = {
        tag: r.int(0, 0xffffffff),
        auth: r.int(0, 0xffffffff),
        flags,
        routeHashes: r.bytes(r.int(0, 8) * (1 << flags)),
      };
      payload = buildTracePayload(spec);
      expect = {
        kind: "TRACE",
        tag: spec.tag,
        authCode: spec.auth,
        flags,
        routeHashes: spec.routeHashes,
      };
      break;
    }
    case 10: {
      const ack = r.bytes(4);
      const remaining = r.int(0, 15);
      payload = buildMultipartPayload(remaining, 3, ack);
      expect = { kind: "MULTIPART", remaining, innerType: 3 };
      break;
    }
    case 11: {
      if (r.next() < 0.5) {
        const spec = {
          prefixOnly: r.next() < 0.5,
          typeFilter: r.int(0, 255),
          tag: r.int(0, 0xffffffff),
          since: r.next() < 0.5 ? r.int(0, 0xffffffff) : undefined,
        };
        payload = buildControlDiscoverReq(spec);
        expect = {
          kind: "CONTROL",
          control: { type: "DISCOVER_REQ", ...spec, since: spec.since ?? null },
        };
      } else {
        const spec = {
          nodeType: r.int(1, 4),
          snr: r.int(-128, 127) / 4,
          tag: r.int(0, 0xffffffff),
          publicKey: r.bytes(r.pick([8, 32])),
        };
        payload = buildControlDiscoverResp(spec);
        expect = { kind: "CONTROL", control: { type: "DISCOVER_RESP", ...spec } };
      }
      break;
    }
    default: {
      payload = r.bytes(r.int(1, 184));
      expect = { kind: "RAW_CUSTOM", data: payload };
    }
  }
  const maxHops = Math.min(63, Math.floor(64 / size));
  const hops = Array.from(
    { length: r.int(0, r.next() < 0.8 ? Math.min(8, maxHops) : maxHops) },
    () => r.bytes(size),
  );
  const spec: PacketSpec = {
    route,
    payloadType: type,
    version: 0,
    hashSize: size,
    hops,
    payload,
  };
  if (route === 0 || route === 3) spec.transportCodes = [r.int(0, 0xffff), r.int(0, 0xffff)];
  return { spec, raw: encodePacket(spec), expect };
}

/** A damaged copy of a packet: flipped bytes, truncation, noise, a bad path_len or header. */
export function mutate(r: TestRng, src: Uint8Array): Uint8Array {
  switch (r.int(0, 5)) {
    case 0: {
      // flip a few random bytes
      const b = src.slice();
      for (let n = r.int(1, 4); n > 0 && b.length > 0; n--)
        b[r.int(0, b.length - 1)] = r.int(0, 255);
      return b;
    }
    case 1:
      return src.slice(0, r.int(0, src.length)); // truncate
    case 2: {
      const b = new Uint8Array(src.length + r.int(1, 80)); // extend with noise
      b.set(src);
      b.set(r.bytes(b.length - src.length), src.length);
      return b;
    }
    case 3: {
      // rewrite path_len (both header layouts)
      const b = src.slice();
      if (b.length > 5) b[(b[0] ?? 0) & 1 ? 1 : r.pick([1, 5])] = r.int(0, 255);
      return b;
    }
    case 4: {
      // change the header's type/route, keep the body
      const b = src.slice();
      if (b.length > 0) b[0] = r.int(0, 255) & r.pick([0xff, 0x3f]);
      return b;
    }
    default:
      return r.bytes(r.int(0, 260)); // pure noise
  }
}
