/** Channels and their messages, radios, MQTT status. */
import { redact } from "../../core/log.ts";
import type { ChannelMessageRow, StoreApi } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import type { ChannelMessage } from "../contract/index.ts";
import { unavailable } from "../http-error.ts";
import { get, type Route } from "../router.ts";

const CURSOR = /^[1-9]\d{0,14}$/;
/** How many recent messages the channel overview looks at. */
const CHANNEL_SAMPLE = 1000;

/**
 * Messages with how the gateway heard them (hearings, fewest hops, best SNR
 * of their transmission) and the sender's node when its name is unique.
 */
async function toMessages(
  store: StoreApi,
  rows: readonly ChannelMessageRow[],
): Promise<ChannelMessage[]> {
  const byName = new Map<string, string | null>();
  for (const n of await store.listNodes()) {
    if (n.name === null) continue;
    byName.set(n.name, byName.has(n.name) ? null : n.publicKey);
  }
  const out: ChannelMessage[] = [];
  for (const m of rows) {
    const tx = await store.getTransmission(m.hash);
    let fewest: number | null = null;
    let snr: number | null = null;
    for (const r of tx) {
      if (fewest === null || r.hops.length < fewest) fewest = r.hops.length;
      if (r.snr !== null && (snr === null || r.snr > snr)) snr = r.snr;
    }
    out.push({
      id: m.id,
      hash: m.hash,
      channel: m.channel,
      sender: m.sender,
      text: m.text,
      receivedAt: new Date(m.at).toISOString(),
      senderTimestamp: m.senderTimestamp,
      heard: tx.length,
      fewestHops: fewest,
      bestSnr: snr,
      senderKey: byName.get(m.sender) ?? null,
    });
  }
  return out;
}

export function miscRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  return [
    get("/api/channels", [], async () => {
      const recent = await store.listChannelMessages(null, CHANNEL_SAMPLE);
      const byName = new Map<
        string,
        { channel: string; recentMessages: number; last: ChannelMessageRow }
      >();
      for (const m of recent) {
        const c = byName.get(m.channel);
        if (!c) byName.set(m.channel, { channel: m.channel, recentMessages: 1, last: m });
        else {
          c.recentMessages++;
          if (m.at > c.last.at) c.last = m;
        }
      }
      const groups = [...byName.values()].sort((a, b) => b.last.at - a.last.at);
      const lasts = await toMessages(
        store,
        groups.map((c) => c.last),
      );
      const items = groups.map((c, i) => ({
        channel: c.channel,
        recentMessages: c.recentMessages,
        lastMessage: lasts[i]!,
      }));
      return { items, sampled: recent.length };
    }),
    get("/api/channels/messages", ["channel", "limit", "cursor"], async ({ query }) => {
      const channel = query.str("channel", { max: 64 }) ?? null;
      const limit = query.int("limit", 1, 500, 100);
      const cursor = query.str("cursor", {
        pattern: CURSOR,
        what: "a nextCursor value from a previous page",
      });
      const rows = await store.listChannelMessages(
        channel,
        limit,
        cursor === undefined ? undefined : Number(cursor),
      );
      const last = rows[rows.length - 1];
      return {
        items: await toMessages(store, rows),
        nextCursor: rows.length === limit && last ? String(last.id) : null,
      };
    }),
    {
      method: "GET",
      path: "/api/config",
      query: [],
      handle: async () => {
        const port = app.deps.providers?.config;
        if (!port) throw unavailable("configuration not available", null);
        // Tokens, passwords and keys are masked (the logs' rule), and so are
        // credentials inside URLs (user info and query values).
        return redact(port.get());
      },
    },
    get("/api/radios", [], async () => {
      const port = app.deps.providers?.radios;
      return { available: port !== undefined, items: port ? port.list() : [] };
    }),
    get("/api/mqtt", [], async () => {
      const port = app.deps.providers?.mqtt;
      let outbox: unknown = null;
      try {
        outbox = await store.outboxStats();
      } catch (err) {
        outbox = { error: err instanceof Error ? err.message : String(err) };
      }
      return { available: port !== undefined, brokers: port ? port.status() : [], outbox };
    }),
  ];
}
