/** Channels: decrypted messages per channel, and sending when authorised. */
import { useState } from "preact/hooks";
import { LoadState } from "../components/status.tsx";
import { submitted } from "../components/submit.ts";
import { useApp } from "../context.ts";
import { clock, DASH, dateTime, fixed } from "../format.ts";
import { useApi } from "../hooks.ts";
import { MAX_CHANNEL_TEXT_BYTES } from "../model.ts";
import { href, nodeHref, packetHref } from "../router.ts";

const TOKEN_KEY = "meshgate.token";

function readToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function ChannelsPage(props: { channel: string | null }) {
  const { api } = useApp();
  const channels = useApi(() => api.channels(), [api], 30_000);
  const health = useApi(() => api.health(), [api]);
  // Sending needs an http.token on the gateway; without one the API is read-only.
  const canSend = health.kind === "ok" && health.data.gateway.actions;
  const [reload, setReload] = useState(0);
  return (
    <section>
      <h1>Channels</h1>
      <LoadState state={channels} what="the channel list">
        {(cs) => (
          <nav class="tabs" aria-label="Channels">
            {cs.length === 0 ? <span class="muted">No channel messages yet.</span> : null}
            {cs.map((c) => (
              <a
                key={c.channel}
                href={href({ page: "channels", channel: c.channel })}
                aria-current={props.channel === c.channel ? "page" : undefined}
              >
                {c.channel}
                <span class="muted"> ({c.recentMessages})</span>
              </a>
            ))}
          </nav>
        )}
      </LoadState>
      {props.channel ? (
        <>
          <Messages channel={props.channel} reload={reload} />
          {canSend ? (
            <SendForm channel={props.channel} onSent={() => setReload(reload + 1)} />
          ) : health.kind === "ok" ? (
            <p class="muted" data-testid="read-only">
              This gateway is read-only (no API token is set), so messages cannot be sent from here.
            </p>
          ) : null}
        </>
      ) : (
        <p class="muted">Pick a channel to read its messages.</p>
      )}
    </section>
  );
}

function Messages(props: { channel: string; reload: number }) {
  const { api, packets } = useApp();
  // New GRP_TXT packets arrive on /ws; refetch when one does.
  const lastGroup = packets.find((p) => p.payloadType === "GRP_TXT")?.id ?? 0;
  const msgs = useApi(
    () => api.channelMessages(props.channel),
    [api, props.channel, props.reload, lastGroup],
  );
  return (
    <LoadState state={msgs} what="messages">
      {(ms) => (
        <ol
          class="messages"
          data-testid="messages"
          aria-label={`Messages on ${props.channel}, oldest first`}
        >
          {ms.length === 0 ? <li class="muted">No messages.</li> : null}
          {ms.map((m) => (
            <li key={`${m.id}-${m.hash}`}>
              <span class="sender">
                {m.senderKey ? <a href={nodeHref(m.senderKey)}>{m.sender}</a> : m.sender}
              </span>{" "}
              <span class="text">{m.text}</span>
              <span class="meta muted">
                <a href={packetHref(m.hash)} title={dateTime(Date.parse(m.receivedAt))}>
                  {clock(Date.parse(m.receivedAt))}
                </a>{" "}
                · heard {m.heard}× · {m.fewestHops === null ? DASH : m.fewestHops} hops ·{" "}
                {fixed(m.bestSnr, 1, " dB")}
              </span>
            </li>
          ))}
        </ol>
      )}
    </LoadState>
  );
}

function SendForm(props: { channel: string; onSent: () => void }) {
  const { api } = useApp();
  const [token, setToken] = useState(readToken);
  const [text, setText] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const send = submitted(async () => {
    const t = text.trim();
    if (!t || busy || utf8Bytes(t) > MAX_CHANNEL_TEXT_BYTES) return;
    setBusy(true);
    try {
      localStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage unavailable: the token lasts for this page only.
    }
    const r = await api.sendChannelMessage(props.channel, t, token);
    setBusy(false);
    if (r.kind === "ok") {
      setText("");
      setStatus({ ok: true, text: "Sent to the radio." });
      props.onSent();
    } else if (r.kind === "unauthorized") {
      setStatus({ ok: false, text: "The token was refused." });
    } else if (r.kind === "missing") {
      setStatus({ ok: false, text: "Sending is not available on this gateway." });
    } else if (r.kind === "building") {
      setStatus({ ok: false, text: "The gateway is still starting; try again shortly." });
    } else {
      setStatus({ ok: false, text: `Not sent: ${r.message}` });
    }
  });
  const used = utf8Bytes(text.trim());
  const over = used > MAX_CHANNEL_TEXT_BYTES;
  return (
    <form class="send" onSubmit={send} aria-label={`Send to ${props.channel}`}>
      <label>
        Token{" "}
        <input
          type="password"
          autoComplete="off"
          value={token}
          maxLength={256}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          placeholder="API token"
        />
      </label>
      <label class="grow">
        Message{" "}
        <input
          type="text"
          value={text}
          aria-describedby="byte-count"
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          placeholder={`Message to ${props.channel}`}
        />
      </label>
      <span id="byte-count" class={over ? "count over" : "count muted"} data-testid="byte-count">
        {used}/{MAX_CHANNEL_TEXT_BYTES} bytes
      </span>
      <button type="submit" disabled={busy || !text.trim() || over}>
        Send
      </button>
      {status ? (
        <p class={`notice ${status.ok ? "ok" : "error"}`} role="status" data-testid="send-status">
          {status.text}
        </p>
      ) : null}
    </form>
  );
}

/** The radio's limit is in UTF-8 bytes, not characters (an emoji is 4). */
export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}
