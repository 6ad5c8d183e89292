/**
 * Channels and MQTT brokers: listed from the (masked) config, added, tested
 * and removed. Keys and passwords are never shown back: the daemon masks
 * them and keeps the stored value when the list is saved with the mask.
 */
import { useEffect, useState } from "preact/hooks";
import type { BrokerTestResponse } from "../../../daemon/http/contract/setup.ts";
import type { AdminApi } from "../admin.ts";
import { RemovableList, TextField } from "../components/fields.tsx";
import { arr, type Cfg, obj, type Save, text } from "../components/form.ts";
import { submitted } from "../components/submit.ts";

const HEX_KEY = /^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/;

export function ChannelsSection(props: { cfg: Cfg; save: Save }) {
  const channels = arr(props.cfg.channels);
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const hashtag = name.startsWith("#");
  const valid = name.trim().length > 0 && (key ? HEX_KEY.test(key) : hashtag);
  const add = submitted(async () => {
    const entry = key ? { name: name.trim(), key: key.toLowerCase() } : { name: name.trim() };
    if (await props.save({ channels: [...channels, entry] })) {
      setName("");
      setKey("");
    }
  });
  return (
    <div class="card" data-section="channels">
      <h2>Channels</h2>
      <p class="muted">
        {props.cfg.publicChannel === false
          ? "The public channel is off."
          : "The public channel is always decrypted."}
      </p>
      <RemovableList
        items={channels}
        name={(c) => text(c.name)}
        show={(c) => (
          <>
            <strong>{text(c.name)}</strong>{" "}
            <span class="muted">{c.key ? "key set (hidden)" : "key derived from the name"}</span>
          </>
        )}
        onRemove={(c) => void props.save({ channels: channels.filter((x) => x !== c) })}
      />
      <form onSubmit={add}>
        <TextField
          label="Name"
          name="channel"
          maxLength={64}
          value={name}
          placeholder="#hashtag or name"
          onInput={setName}
        />
        <TextField
          label="Key (hex)"
          name="key"
          secret
          size={34}
          value={key}
          placeholder={hashtag ? "derived from the name" : "32 or 64 hex digits"}
          onInput={(v) => setKey(v.trim())}
        />
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
  const add = submitted(async () => {
    const entry: Cfg = { id: id.trim(), url: url.trim() };
    if (user) entry.auth = { type: "password", username: user, password: pass };
    if (await props.save({ mqtt: { brokers: [...brokers, entry] } })) {
      setId("");
      setUrl("");
      setUser("");
      setPass("");
      setTest(null);
    }
  });
  return (
    <div class="card" data-section="brokers">
      <h2>MQTT brokers</h2>
      <RemovableList
        items={brokers}
        name={(b) => text(b.id)}
        show={(b) => {
          const s = states.find((x) => x.name === text(b.id));
          return (
            <>
              <strong>{text(b.id)}</strong> <code>{text(b.url)}</code>{" "}
              <span
                class={`badge state-${s?.connected ? "ok" : "bad"}`}
                data-broker-state={s?.state ?? "unknown"}
              >
                {s ? s.state : "not running"}
              </span>
            </>
          );
        }}
        onRemove={(b) => void props.save({ mqtt: { brokers: brokers.filter((x) => x !== b) } })}
      />
      <form onSubmit={add}>
        <TextField label="Name" name="broker-id" maxLength={32} value={id} onInput={setId} />
        <TextField
          label="URL"
          name="broker-url"
          size={32}
          maxLength={500}
          value={url}
          placeholder="mqtt://host:1883"
          onInput={setUrl}
        />
        <TextField label="User" name="broker-user" value={user} onInput={setUser} />
        <TextField label="Password" name="broker-pass" secret value={pass} onInput={setPass} />
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
