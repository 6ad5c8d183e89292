/** Seeded synthetic packets, nodes and messages for the HTTP tests and bench. */
import type { PacketItem } from "../../../daemon/core/types.ts";
import type { ChannelMessageRow, NodeRow } from "../../../daemon/store/api.ts";
import { rng } from "../rng.ts";
import type { FakeRow } from "./fake-store.ts";

const hex = (r: () => number, bytes: number): string =>
  Array.from({ length: bytes }, () =>
    Math.floor(r() * 256)
      .toString(16)
      .padStart(2, "0"),
  ).join("");

export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

/** Payload types the generator uses, weighted like real traffic. */
const TYPES = [4, 5, 5, 5, 1, 0, 2, 8, 9];

/**
 * `n` observations one second apart from T0. Every fourth row is a second
 * hearing (by radio r2) of the transmission before it.
 */
export function makeRows(n: number, seed = 1, nodes: readonly NodeRow[] = []): FakeRow[] {
  const r = rng(seed);
  const rows: FakeRow[] = [];
  for (let i = 1; i <= n; i++) {
    const prev = rows[rows.length - 1];
    if (prev && i % 4 === 0) {
      rows.push({
        ...prev,
        id: i,
        at: T0 + i * 1000,
        radioId: "r2",
        firstSeen: false,
        snr: -3.5,
        rssi: -110,
      });
      continue;
    }
    const payloadType = TYPES[Math.floor(r() * TYPES.length)]!;
    const route = Math.floor(r() * 4);
    const hops = Array.from({ length: Math.floor(r() * 4) }, () => hex(r, 1));
    const len = 20 + Math.floor(r() * 100);
    const raw = Buffer.from(hex(r, len), "hex");
    raw[0] = (payloadType << 2) | route;
    const advertKey =
      payloadType === 4 && nodes.length > 0
        ? nodes[Math.floor(r() * nodes.length)]!.publicKey
        : undefined;
    rows.push({
      id: i,
      hash: hex(r, 8),
      raw: advertKey ? advertRaw(raw[0]!, route, hops, advertKey, raw.subarray(1)) : raw,
      radioId: "r1",
      at: T0 + i * 1000,
      snr: Math.round((r() * 20 - 10) * 4) / 4,
      rssi: -Math.floor(60 + r() * 60),
      payloadType,
      route,
      hashSize: 1,
      hops,
      firstSeen: true,
      summary: payloadType === 5 ? "#test: hello" : `type ${payloadType}`,
      error: null,
      ...(advertKey && { advertKey }),
      ...(payloadType === 5 && { channel: "#test" }),
    });
  }
  return rows;
}

/** An advert's bytes with a well-formed header and path, so its key sits where the payload starts. */
function advertRaw(
  header: number,
  route: number,
  hops: readonly string[],
  key: string,
  tail: Uint8Array,
): Buffer {
  const transport = route === 0 || route === 3 ? [0, 0, 0, 0] : [];
  return Buffer.concat([
    Buffer.from([header, ...transport, hops.length]),
    Buffer.from(hops.join(""), "hex"),
    Buffer.from(key, "hex"),
    tail,
  ]);
}

export function makeNodes(n: number, seed = 2): NodeRow[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    publicKey: hex(r, 32).toUpperCase(),
    name: `node-${i}`,
    role: 1 + (i % 4),
    lat: 37 + r(),
    lon: -122 + r(),
    firstSeen: T0 - 86_400_000,
    lastSeen: T0 - i * 3_600_000,
    lastAdvert: T0 - i * 3_600_000,
    advertTimestamp: Math.floor(T0 / 1000),
    advertCount: 1 + (i % 7),
    extras: null,
  }));
}

export function makeMessages(n: number): ChannelMessageRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    hash: (i + 1).toString(16).padStart(16, "0"),
    channel: i % 3 === 0 ? "#bot" : "#test",
    sender: `sender-${i % 5}`,
    text: `message ${i + 1}`,
    at: T0 + i * 60_000,
    senderTimestamp: Math.floor(T0 / 1000) + i * 60,
  }));
}

/** One stored packet as the bus carries it to HTTP/WS: a flood advert heard by r1 at T0. */
export function makePacketItem(): PacketItem {
  return {
    id: 1,
    hash: "0123456789abcdef",
    raw: "1100",
    receivedAt: new Date(T0).toISOString(),
    radioId: "r1",
    payloadType: "ADVERT",
    route: "FLOOD",
    snr: 5.5,
    rssi: -90,
    hashSize: 1,
    hops: [],
    firstSeen: true,
    summary: "advert",
    error: null,
  };
}
