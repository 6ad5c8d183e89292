/** Channels: decrypted messages per channel, and sending when authorised. */
import { useState } from "preact/hooks";
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, dateTime } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href } from "../router.ts";

const TOKEN_KEY = "meshgate.token";
/** The firmware's text limit for a group message is well under this. */
export const MAX_SEND = 140;

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
                key={c.name}
                href={href({ page: "channels", channel: c.name })}
                aria-current={props.channel === c.name ? "page" : undefined}
              >
                {c.name}
                {c.messages !== null ? <span class="muted"> ({c.messages})</span> : null}
              </a>
            ))}
          </nav>
        )}
      </LoadState>
      {props.channel ? (
        <>
          <Messages channel={props.channel} reload={reload} />
          <SendForm channel={props.channel} onSent={() => setReload(reload + 1)} />
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
        <ol class="messages" data-testid="messages" aria-label={`Messages on ${props.channel}`}>
          {ms.length === 0 ? <li class="muted">No messages.</li> : null}
          {ms.map((m) => (
            <li key={`${m.id}-${m.hash}`}>
              <span class="sender">{m.sender}</span> <span class="text">{m.text}</span>{" "}
              <time class="muted" title={dateTime(m.at)}>
                {ago(m.at)}
              </time>
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
  const send = async (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    if (!t || busy) return;
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
  };
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
          maxLength={MAX_SEND}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          placeholder={`Message to ${props.channel}`}
        />
      </label>
      <button type="submit" disabled={busy || !text.trim()}>
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
