/** Radio: parameters, firmware, identity, stats and reconnect state per link. */
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, DASH, duration, fixed } from "../format.ts";
import type { RadioView } from "../health.ts";
import { useApi } from "../hooks.ts";
import { dutyCycle } from "./overview.tsx";

export function RadioPage() {
  const { api } = useApp();
  const radios = useApi(() => api.radiosAnywhere(), [api], 5000);
  return (
    <section>
      <h1>Radio</h1>
      <LoadState state={radios} what="radio status">
        {(rs) =>
          rs.length ? (
            rs.map((r) => <RadioCard key={r.id} r={r} />)
          ) : (
            <p class="muted">No radio configured.</p>
          )
        }
      </LoadState>
    </section>
  );
}

function RadioCard(props: { r: RadioView }) {
  const r = props.r;
  const p = r.params;
  return (
    <div class="card">
      <h2>
        {r.id} <span class={`badge state-${r.state === "up" ? "ok" : "bad"}`}>{r.state}</span>
      </h2>
      <dl class="kv">
        <Field label="Driver">{r.driver || DASH}</Field>
        <Field label="State since">{ago(r.since)}</Field>
        {r.lastError ? <Field label="Last error">{r.lastError}</Field> : null}
        <Field label="Node name">{r.name ?? DASH}</Field>
        <Field label="Public key">
          <code class="key">{r.publicKey ?? DASH}</code>
        </Field>
        <Field label="Model">{r.model ?? DASH}</Field>
        <Field label="Firmware">{r.firmware ?? DASH}</Field>
        <Field label="Frequency">{fixed(p?.freqMHz ?? null, 3, " MHz")}</Field>
        <Field label="Bandwidth">{fixed(p?.bwKHz ?? null, 1, " kHz")}</Field>
        <Field label="SF / CR">
          {p?.sf ?? DASH} / {p?.cr ?? DASH}
        </Field>
        <Field label="TX power">{fixed(p?.txPowerDbm ?? null, 0, " dBm")}</Field>
        <Field label="Clock skew">{fixed(r.clockSkewSec, 0, " s")}</Field>
        <Field label="Noise floor">{fixed(r.noiseFloorDbm, 0, " dBm")}</Field>
        <Field label="Duty cycle">{fixed(dutyCycle(r), 2, " %")}</Field>
        <Field label="Battery">
          {fixed(r.batteryMv === null ? null : r.batteryMv / 1000, 2, " V")}
        </Field>
        <Field label="Radio uptime">{duration(r.uptimeSecs)}</Field>
      </dl>
      {Object.keys(r.counters).length ? (
        <>
          <h3>Counters</h3>
          <dl class="kv">
            {Object.entries(r.counters).map(([k, v]) => (
              <Field key={k} label={k}>
                {v}
              </Field>
            ))}
          </dl>
        </>
      ) : null}
    </div>
  );
}
