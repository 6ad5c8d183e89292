/** Channels and their messages, radios, MQTT status. */
import { redact } from "../../core/log.ts";
import type { ChannelMessageRow } from "../../store/api.ts";
import type { AppContext } from "../context.ts";
import { unavailable } from "../http-error.ts";
import type { Route } from "../router.ts";

const CURSOR = /^[1-9]\d{0,14}$/;
/** How many recent messages the channel overview looks at. */
const CHANNEL_SAMPLE = 1000;

function toMessage(m: ChannelMessageRow) {
  return {
    id: m.id,
    hash: m.hash,
    channel: m.channel,
    sender: m.sender,
    text: m.text,
    receivedAt: new Date(m.at).toISOString(),
    senderTimestamp: m.senderTimestamp,
  };
}

export function miscRoutes(app: AppContext): Route[] {
  const { store } = app.deps;
  return [
    {
      method: "GET",
      path: "/api/channels",
      query: [],
      handle: async () => {
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
        const items = [...byName.values()]
          .sort((a, b) => b.last.at - a.last.at)
          .map((c) => ({
            channel: c.channel,
            recentMessages: c.recentMessages,
            lastMessage: toMessage(c.last),
          }));
        return { items, sampled: recent.length };
      },
    },
    {
      method: "GET",
      path: "/api/channels/messages",
      query: ["channel", "limit", "cursor"],
      handle: async ({ query }) => {
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
          items: rows.map(toMessage),
          nextCursor: rows.length === limit && last ? String(last.id) : null,
        };
      },
    },
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
    {
      method: "GET",
      path: "/api/radios",
      query: [],
      handle: async () => {
        const port = app.deps.providers?.radios;
        return { available: port !== undefined, items: port ? port.list() : [] };
      },
    },
    {
      method: "GET",
      path: "/api/mqtt",
      query: [],
      handle: async () => {
        const port = app.deps.providers?.mqtt;
        let outbox: unknown = null;
        try {
          outbox = await store.outboxStats();
        } catch (err) {
          outbox = { error: err instanceof Error ? err.message : String(err) };
        }
        return { available: port !== undefined, brokers: port ? port.status() : [], outbox };
      },
    },
  ];
}
