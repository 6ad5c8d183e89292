/** Overview: radio links, traffic, noise, airtime, node counts, MQTT, alerts. */
import { useMemo } from "preact/hooks";
import { Chart } from "../components/chart.tsx";
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { DASH, duration, fixed, perMinute } from "../format.ts";
import { deriveAlerts, type HealthView, type RadioView } from "../health.ts";
import { useApi, useTick } from "../hooks.ts";
import type { NodeSummary } from "../model.ts";

const HOUR = 3_600_000;

export function OverviewPage() {
  const { api, packets } = useApp();
  const health = useApi(() => api.health(), [api], 5000);
  const radios = useApi(() => api.radiosAnywhere(), [api], 10_000);
  const nodes = useApi(() => api.nodes(), [api], 30_000);
  const now = useTick(15_000);
  const traffic = useApi(() => api.trafficLastHour(), [api], 60_000);
  const [lxs, lys] = useMemo(
    () =>
      perMinute(
        packets.map((p) => p.at),
        60,
        now,
      ),
    [packets, now],
  );
  // The daemon's rollups cover the whole hour; the live buffer only what
  // this page has seen, so it is the fallback.
  const fromDaemon = traffic.kind === "ok" && traffic.data[0].length > 0;
  const xs = fromDaemon ? traffic.data[0] : lxs;
  const ys = fromDaemon ? traffic.data[1] : lys;
  const lastMin = lys[lys.length - 1] ?? 0;
  return (
    <section>
      <h1>Overview</h1>
      <LoadState state={health} what="daemon health">
        {(h) => <HealthPanels h={h} radios={radios.kind === "ok" ? radios.data : h.radios} />}
      </LoadState>
      <div class="cards">
        <div class="card">
          <h2>Traffic</h2>
          <p class="big" data-testid="ppm">
            {lastMin} <small>packets this minute</small>
          </p>
          <Chart xs={xs} ys={ys} label="Packets per minute, last hour" unit="packets" bars />
        </div>
        <div class="card">
          <h2>Nodes heard</h2>
          <LoadState state={nodes} what="the node list">
            {(ns) => <NodeCounts nodes={ns} now={now} />}
          </LoadState>
        </div>
      </div>
    </section>
  );
}

function NodeCounts(props: { nodes: readonly NodeSummary[]; now: number }) {
  const heard = (ms: number) =>
    props.nodes.filter((n) => n.lastHeard !== null && props.now - n.lastHeard < ms).length;
  return (
    <dl class="kv">
      <Field label="Last hour">{heard(HOUR)}</Field>
      <Field label="Last day">{heard(24 * HOUR)}</Field>
      <Field label="Known">{props.nodes.length}</Field>
    </dl>
  );
}

/** Share of wall time spent transmitting, from the radio's own counters. */
export function dutyCycle(r: RadioView): number | null {
  if (r.txAirSecs === null || !r.uptimeSecs) return null;
  return (100 * r.txAirSecs) / r.uptimeSecs;
}

function HealthPanels(props: { h: HealthView; radios: readonly RadioView[] }) {
  const h = { ...props.h, radios: props.radios };
  const alerts = deriveAlerts(h);
  const pct = h.indexProgress === null ? null : Math.round(h.indexProgress * 100);
  return (
    <>
      {h.indexReady ? null : (
        <p class="notice building" data-state="building" role="status">
          Building the mesh indexes{pct === null ? "" : ` (${pct}%)`}
          {h.indexDetail ? `: ${h.indexDetail}` : ""}. Nodes, map and graph fill in when done.
        </p>
      )}
      <div class="alerts" aria-live="polite">
        {alerts.length === 0 ? (
          <p class="notice ok">All good: no alerts.</p>
        ) : (
          <ul>
            {alerts.map((a) => (
              <li key={a.text} class={`notice ${a.level}`} data-alert={a.level}>
                {a.text}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="cards">
        <div class="card">
          <h2>Radios</h2>
          {h.radios.length === 0 ? <p class="muted">No radio reported.</p> : null}
          {h.radios.map((r) => (
            <div key={r.id} class="radio-line">
              <span class={`badge state-${r.state === "up" ? "ok" : "bad"}`}>{r.state}</span>{" "}
              <strong>{r.id}</strong> <span class="muted">{r.driver}</span>
              <dl class="kv">
                <Field label="Noise floor">{fixed(r.noiseFloorDbm, 0, " dBm")}</Field>
                <Field label="Airtime tx / rx">
                  {r.txAirSecs === null ? DASH : `${Math.round(r.txAirSecs)} s`} /{" "}
                  {r.rxAirSecs === null ? DASH : `${Math.round(r.rxAirSecs)} s`}
                </Field>
                <Field label="Duty cycle">{fixed(dutyCycle(r), 2, " %")}</Field>
              </dl>
            </div>
          ))}
        </div>
        <div class="card">
          <h2>Daemon</h2>
          <dl class="kv">
            <Field label="Gateway">
              <span data-testid="gateway-name">{h.gateway.name ?? DASH}</span>
            </Field>
            <Field label="Status">{h.status}</Field>
            <Field label="Version">{h.version}</Field>
            <Field label="Uptime">{duration(h.uptimeSec)}</Field>
            <Field label="Observations">{h.observations ?? DASH}</Field>
          </dl>
        </div>
        <div class="card">
          <h2>MQTT</h2>
          {h.mqtt.length === 0 ? <p class="muted">No broker configured or reported.</p> : null}
          <dl class="kv">
            {h.mqtt.map((m) => (
              <Field key={m.broker} label={m.broker}>
                <span class={`badge state-${m.connected ? "ok" : "bad"}`}>{m.state}</span>
                {m.outboxDepth !== null ? ` outbox ${m.outboxDepth}` : ""}
              </Field>
            ))}
          </dl>
        </div>
      </div>
    </>
  );
}
