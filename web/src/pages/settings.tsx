/**
 * The settings pages' frame: loads the (masked) config, saves merge patches,
 * shows what applied live and what waits for a restart, and restarts the
 * daemon with a progress line until it answers again.
 */
import { useEffect, useState } from "preact/hooks";
import { LOG_SCHEMA } from "../../../daemon/core/config-schema.ts";
import type { ConfigPatchResponse, ConfigProblem } from "../../../daemon/http/contract/setup.ts";
import type { AdminApi } from "../admin.ts";
import { SelectField, TextField } from "../components/fields.tsx";
import { type Cfg, obj, type Save, text } from "../components/form.ts";
import { submitted } from "../components/submit.ts";
import { AdminTools } from "./admin-tools.tsx";
import { BrokersSection, ChannelsSection } from "./settings-network.tsx";
import { RadioSection } from "./settings-radio.tsx";

type Outcome =
  | { kind: "saved"; r: ConfigPatchResponse }
  | { kind: "refused"; message: string; problems: readonly ConfigProblem[] };

export function SettingsView(props: { admin: AdminApi; onUnauthorized: () => void }) {
  const { admin } = props;
  const [cfg, setCfg] = useState<Cfg | null>(null);
  const [pending, setPending] = useState<readonly string[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const reload = async () => {
    const [c, s] = await Promise.all([admin.config(), admin.configStatus()]);
    if (!s.ok && (s.status === 401 || s.status === 403)) props.onUnauthorized();
    if (c.ok) setCfg(c.data);
    if (s.ok) setPending(s.data.restartRequired);
  };
  useEffect(() => {
    void reload();
  }, []);
  const save: Save = async (patch) => {
    const r = await admin.patch(patch);
    await reload();
    // Shown once the page holds the saved config, together with the forms' reset.
    setOutcome(
      r.ok
        ? { kind: "saved", r: r.data }
        : { kind: "refused", message: r.message, problems: r.problems },
    );
    return r.ok;
  };
  if (!cfg) return <p class="muted">Loading settings…</p>;
  return (
    <>
      <OutcomeNotice outcome={outcome} />
      <RestartPanel admin={admin} pending={pending} onBack={reload} />
      <GatewaySection cfg={cfg} save={save} />
      <RadioSection admin={admin} cfg={cfg} save={save} />
      <ChannelsSection cfg={cfg} save={save} />
      <BrokersSection admin={admin} cfg={cfg} save={save} />
      <AdminTools admin={admin} />
    </>
  );
}

function OutcomeNotice(props: { outcome: Outcome | null }) {
  const o = props.outcome;
  if (!o) return null;
  if (o.kind === "refused")
    return (
      <div class="notice error" role="alert" data-outcome="refused">
        <strong>Not saved: {o.message}</strong>
        <ul>
          {o.problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <code>{p.path || "(file)"}</code> {p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <p class="notice ok" role="status" data-outcome="saved">
      Saved. {o.r.applied.length ? <>In effect now: {o.r.applied.join(", ")}. </> : null}
      {o.r.restartRequired.length ? <>After a restart: {o.r.restartRequired.join(", ")}.</> : null}
    </p>
  );
}

type Phase = "idle" | "asking" | "stopping" | "starting" | "back" | "failed";

function RestartPanel(props: { admin: AdminApi; pending: readonly string[]; onBack: () => void }) {
  const [phase, setPhase] = useState<Phase>("idle");
  const restart = async () => {
    setPhase("asking");
    const r = await props.admin.restart();
    if (!r.ok) {
      setPhase("failed");
      return;
    }
    setPhase("stopping");
    const asked = Date.now();
    let wentDown = false;
    // Back when /api/health answers from a process younger than the request.
    for (let i = 0; i < 120; i++) {
      await new Promise((res) => setTimeout(res, 1000));
      const h = await fetch("/api/health").then(
        (x) => x.json() as Promise<{ uptimeSec?: number }>,
        () => null,
      );
      if (!h) {
        if (!wentDown) setPhase("starting");
        wentDown = true;
        continue;
      }
      if (typeof h.uptimeSec === "number" && h.uptimeSec * 1000 < Date.now() - asked) {
        setPhase("back");
        props.onBack();
        return;
      }
    }
    setPhase("failed");
  };
  const label: Record<Phase, string> = {
    idle: "",
    asking: "Asking the gateway to restart…",
    stopping: "Stopping (saving the store)…",
    starting: "Starting again…",
    back: "Restarted: the saved settings are in effect.",
    failed: "The gateway did not come back within 2 minutes: check `journalctl -u meshgate`.",
  };
  if (props.pending.length === 0 && phase === "idle") return null;
  return (
    <div class="card" data-restart={phase}>
      <h2>Restart</h2>
      {props.pending.length ? (
        <p>
          Saved, waiting for a restart: <strong>{props.pending.join(", ")}</strong>
        </p>
      ) : null}
      <button
        type="button"
        onClick={() => void restart()}
        disabled={phase !== "idle" && phase !== "back" && phase !== "failed"}
      >
        Restart meshgate
      </button>{" "}
      <span role="status">{label[phase]}</span>
    </div>
  );
}

const LOG_LEVELS = LOG_SCHEMA.properties.level.enum;

function GatewaySection(props: { cfg: Cfg; save: Save }) {
  const gw = obj(props.cfg.gateway);
  const [name, setName] = useState(text(gw.name));
  const [lat, setLat] = useState(gw.lat === null || gw.lat === undefined ? "" : String(gw.lat));
  const [lon, setLon] = useState(gw.lon === null || gw.lon === undefined ? "" : String(gw.lon));
  const [level, setLevel] = useState(text(obj(props.cfg.log).level) || "info");
  const num = (s: string): number | string | null =>
    s.trim() === "" ? null : Number.isFinite(Number(s)) ? Number(s) : s;
  return (
    <form
      class="card"
      data-section="gateway"
      onSubmit={submitted(() =>
        props.save({ gateway: { name, lat: num(lat), lon: num(lon) }, log: { level } }),
      )}
    >
      <h2>Gateway</h2>
      <TextField label="Name" name="name" maxLength={64} value={name} onInput={setName} />
      <TextField label="Latitude" name="lat" size={10} value={lat} onInput={setLat} />
      <TextField label="Longitude" name="lon" size={10} value={lon} onInput={setLon} />
      <SelectField
        label="Log level"
        name="level"
        value={level}
        options={LOG_LEVELS}
        onChange={setLevel}
      />
      <button type="submit">Save</button>
    </form>
  );
}
