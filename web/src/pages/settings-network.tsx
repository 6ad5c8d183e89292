/**
 * Channels and MQTT brokers: listed from the (masked) config, added, tested
 * and removed. Keys and passwords are never shown back: the daemon masks
 * them and keeps the stored value when the list is saved with the mask.
 */
import { useEffect, useState } from "preact/hooks";
import type { BrokerTestResponse } from "../../../daemon/http/contract/setup.ts";
import type { AdminApi } from "../admin.ts";
import { arr, type Cfg, obj, type Save, text } from "./settings.tsx";

const HEX_KEY = /^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/;

export function ChannelsSection(props: { cfg: Cfg; save: Save }) {
  const channels = arr(props.cfg.channels);
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const hashtag = name.startsWith("#");
  const valid = name.trim().length > 0 && (key ? HEX_KEY.test(key) : hashtag);
  const add = async (e: Event) => {
    e.preventDefault();
    const entry = key ? { name: name.trim(), key: key.toLowerCase() } : { name: name.trim() };
    if (await props.save({ channels: [...channels, entry] })) {
      setName("");
      setKey("");
    }
  };
  return (
    <div class="card" data-section="channels">
      <h2>Channels</h2>
      <p class="muted">
        {props.cfg.publicChannel === false
          ? "The public channel is off."
          : "The public channel is always decrypted."}
      </p>
      <ul>
        {channels.map((c) => (
          <li key={text(c.name)}>
            <strong>{text(c.name)}</strong>{" "}
            <span class="muted">{c.key ? "key set (hidden)" : "key derived from the name"}</span>{" "}
            <button
              type="button"
              aria-label={`Remove ${text(c.name)}`}
              onClick={() => void props.save({ channels: channels.filter((x) => x !== c) })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label>
          Name{" "}
          <input
            name="channel"
            maxLength={64}
            value={name}
            placeholder="#hashtag or name"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <label>
          Key (hex){" "}
          <input
            name="key"
            type="password"
            autoComplete="off"
            size={34}
            value={key}
            placeholder={hashtag ? "derived from the name" : "32 or 64 hex digits"}
            onInput={(e) => setKey((e.target as HTMLInputElement).value.trim())}
          />
        </label>{" "}
        <button type="submit" disabled={!valid}>
          Add channel
        </button>
      </form>
    </div>
  );
}

interface BrokerState {
  readonly name: string;
  readonly connected: boolean;
  readonly state: string;
}

export function BrokersSection(props: { admin: AdminApi; cfg: Cfg; save: Save }) {
  const mqtt = obj(props.cfg.mqtt);
  const brokers = arr(mqtt.brokers);
  const [states, setStates] = useState<readonly BrokerState[]>([]);
  const [id, setId] = useState("");
  const [url, setUrl] = useState("");
  const [user, setUser] = useState("");
  const [pass, setPass] = useState("");
  const [test, setTest] = useState<BrokerTestResponse | string | null>(null);
  useEffect(() => {
    let alive = true;
    const poll = async () => {
      const r = await props.admin.call<{ brokers: BrokerState[] }>("GET", "/api/mqtt");
      if (alive && r.ok) setStates(r.data.brokers ?? []);
    };
    void poll();
    const t = setInterval(poll, 3000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [props.cfg]);
  const runTest = async () => {
    setTest("Testing…");
    const r = await props.admin.testBroker({
      url,
      ...(user ? { username: user, password: pass } : {}),
    });
    setTest(r.ok ? r.data : r.message);
  };
  const add = async (e: Event) => {
    e.preventDefault();
    const entry: Cfg = { id: id.trim(), url: url.trim() };
    if (user) entry.auth = { type: "password", username: user, password: pass };
    if (await props.save({ mqtt: { brokers: [...brokers, entry] } })) {
      setId("");
      setUrl("");
      setUser("");
      setPass("");
      setTest(null);
    }
  };
  return (
    <div class="card" data-section="brokers">
      <h2>MQTT brokers</h2>
      <ul>
        {brokers.map((b) => {
          const s = states.find((x) => x.name === text(b.id));
          return (
            <li key={text(b.id)}>
              <strong>{text(b.id)}</strong> <code>{text(b.url)}</code>{" "}
              <span
                class={`badge state-${s?.connected ? "ok" : "bad"}`}
                data-broker-state={s?.state ?? "unknown"}
              >
                {s ? s.state : "not running"}
              </span>{" "}
              <button
                type="button"
                aria-label={`Remove ${text(b.id)}`}
                onClick={() =>
                  void props.save({ mqtt: { brokers: brokers.filter((x) => x !== b) } })
                }
              >
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <form onSubmit={add}>
        <label>
          Name{" "}
          <input
            name="broker-id"
            maxLength={32}
            value={id}
            onInput={(e) => setId((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <label>
          URL{" "}
          <input
            name="broker-url"
            size={32}
            maxLength={500}
            value={url}
            placeholder="mqtt://host:1883"
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <label>
          User{" "}
          <input
            name="broker-user"
            autoComplete="off"
            value={user}
            onInput={(e) => setUser((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <label>
          Password{" "}
          <input
            name="broker-pass"
            type="password"
            autoComplete="off"
            value={pass}
            onInput={(e) => setPass((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <button type="button" onClick={() => void runTest()} disabled={!url}>
          Test
        </button>{" "}
        <button type="submit" disabled={!id.trim() || !url.trim()}>
          Add broker
        </button>
      </form>
      {test === null ? null : typeof test === "string" ? (
        <p role="status">{test}</p>
      ) : (
        <p class={`notice ${test.ok ? "ok" : "error"}`} data-broker-test={test.ok ? "ok" : "fail"}>
          {test.detail}
          {test.fix ? ` (fix: ${test.fix})` : ""}
        </p>
      )}
    </div>
  );
}
