/** Packets: filtered lists with cursor pagination, grouping, detail, decode. */
import { hexToBytes } from "../../core/bytes.ts";
import type { PacketQuery } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import type { DecodeResult, TransmissionGroup } from "../contract/index.ts";
import { PAYLOAD_TYPES, ROUTES } from "../format.ts";
import { badParam, notFound, unavailable } from "../http-error.ts";
import { groupOf, observedFromRow } from "../packet-view.ts";
import { HEX16, KEY_PREFIX, type Query, RADIO_ID } from "../params.ts";
import { get, type Route } from "../router.ts";

const LIST_PARAMS = [
  "limit",
  "cursor",
  "before",
  "type",
  "route",
  "node",
  "channel",
  "hash",
  "radio",
  "since",
  "until",
  "group",
];
const CURSOR = /^[1-9]\d{0,14}$/;
/** Largest whole packet (MAX_TRANS_UNIT, src/MeshCore.h), hex. */
const MAX_PACKET_HEX = 255 * 2;

export function parsePacketQuery(q: Query): PacketQuery & { group: boolean } {
  const type = q.oneOf("type", PAYLOAD_TYPES);
  const route = q.oneOf("route", ROUTES);
  const node = q.str("node", { pattern: KEY_PREFIX, what: "2 to 64 hex characters of a node key" });
  const hash = q.str("hash", { pattern: HEX16, what: "16 lower-case hex characters" });
  // `before` (an observation id) is the plain-number form some clients send.
  if (q.has("cursor") && q.has("before")) throw badParam("before", "give either cursor or before");
  const cursor =
    q.str("cursor", { pattern: CURSOR, what: "a nextCursor value from a previous page" }) ??
    q.str("before", { pattern: CURSOR, what: "an observation id" });
  const since = q.time("since");
  const until = q.time("until");
  if (since !== undefined && until !== undefined && until <= since)
    throw badParam("until", "must be after since");
  return {
    limit: q.int("limit", 1, q.bool("group") ? 200 : 1000, 50),
    group: q.bool("group"),
    ...(cursor !== undefined && { before: Number(cursor) }),
    ...(type !== undefined && { payloadType: PAYLOAD_TYPES.indexOf(type) }),
    ...(route !== undefined && { route: ROUTES.indexOf(route) }),
    ...(node !== undefined && { node: node.toUpperCase() }),
    ...(hash !== undefined && { hash }),
    ...(q.has("channel") && { channel: q.str("channel", { max: 64 })! }),
    ...(q.has("radio") && { radioId: q.str("radio", { pattern: RADIO_ID, what: "a radio id" })! }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
}

export function packetRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  return [
    get("/api/packets", LIST_PARAMS, async ({ query }) => {
      const { group, ...pq } = parsePacketQuery(query);
      // Stores with archive partitions page into them and say where to go on.
      const page = store.packetPage
        ? await store.packetPage(pq)
        : { rows: await store.listPackets(pq), nextBefore: null };
      const rows = page.rows;
      const last = rows[rows.length - 1];
      const nextCursor =
        page.nextBefore !== null
          ? String(page.nextBefore)
          : rows.length === pq.limit && last
            ? String(last.id)
            : null;
      if (!group) return { items: rows.map((r) => observedFromRow(app, r)), nextCursor };
      const hashes = [...new Set(rows.map((r) => r.hash))];
      const items: TransmissionGroup[] = [];
      for (const h of hashes) {
        const obs = await store.getTransmission(h);
        if (obs.length > 0) items.push(groupOf(app, h, obs));
      }
      return { items, nextCursor };
    }),
    get("/api/packets/{hash}", [], async ({ params }) => {
      const hash = (params.hash ?? "").toLowerCase();
      if (!HEX16.test(hash)) throw badParam("hash", "must be 16 hex characters");
      const rows = await store.getTransmission(hash);
      if (rows.length === 0) throw notFound(`packet ${hash}`);
      const decoder = app.deps.providers?.decode;
      const answer = decoder ? decoder.decode(rows[0]!.raw) : null;
      return {
        ...groupOf(app, hash, rows),
        decoded: answer?.ok ? answer.packet : null,
        breakdown: answer?.breakdown ?? null,
        decodeError: answer === null ? "decoder not available" : answer.ok ? null : answer.error,
      };
    }),
    {
      method: "POST",
      path: "/api/decode",
      query: [],
      body: true,
      handle: async ({ body }) => {
        const { hex } = body as { hex?: unknown };
        if (typeof hex !== "string") throw badParam("hex", "a string of hex is required");
        const clean = hex.replace(/\s+/g, "");
        if (clean.length === 0 || clean.length > MAX_PACKET_HEX) {
          throw badParam("hex", `must be 1 to ${MAX_PACKET_HEX / 2} bytes`);
        }
        if (!/^([0-9a-fA-F]{2})+$/.test(clean))
          throw badParam("hex", "must be an even number of hex digits");
        const decoder = app.deps.providers?.decode;
        if (!decoder) throw unavailable("decoder not available", null);
        const answer = decoder.decode(hexToBytes(clean));
        const result: DecodeResult = answer.ok
          ? { ok: true, packet: answer.packet, breakdown: answer.breakdown, error: null }
          : { ok: false, packet: null, breakdown: answer.breakdown ?? null, error: answer.error };
        return result;
      },
    },
  ];
}
