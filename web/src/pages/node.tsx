/** Node detail: identity, adverts, neighbours, SNR history and a small map. */
import { Chart } from "../components/chart.tsx";
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, dateTime, fixed, nodeLabel, shortKey } from "../format.ts";
import { useApi } from "../hooks.ts";
import { nodeHref, packetHref } from "../router.ts";
import { MeshMap } from "./map.tsx";

export function NodePage(props: { nodeKey: string }) {
  const { api } = useApp();
  const detail = useApi(() => api.node(props.nodeKey), [api, props.nodeKey], 30_000);
  return (
    <section>
      <p>
        <a href="#/nodes">← Nodes</a>
      </p>
      <LoadState state={detail} what="this node">
        {(d) => {
          const n = d.node;
          return (
            <>
              <h1 data-testid="node-name">{nodeLabel(n.name, n.publicKey)}</h1>
              <dl class="kv">
                <Field label="Public key">
                  <code class="key">{n.publicKey}</code>
                </Field>
                <Field label="Role">{n.role}</Field>
                <Field label="Last heard">{ago(n.lastSeen)}</Field>
                <Field label="First heard">{dateTime(n.firstSeen)}</Field>
                <Field label="Adverts">{n.advertCount ?? "–"}</Field>
                <Field label="Position">
                  {n.lat !== null && n.lon !== null
                    ? `${n.lat.toFixed(5)}, ${n.lon.toFixed(5)}`
                    : "not shared"}
                </Field>
              </dl>
              {n.lat !== null && n.lon !== null ? <MeshMap nodes={[n]} edges={[]} small /> : null}
              <h2>SNR history</h2>
              {d.snrHistory.length ? (
                <Chart
                  xs={d.snrHistory.map((p) => p[0] / 1000)}
                  ys={d.snrHistory.map((p) => p[1])}
                  label="SNR of this node's packets"
                  unit="dB"
                />
              ) : (
                <p class="muted">No SNR history.</p>
              )}
              <h2>Neighbours ({d.neighbours.length})</h2>
              {d.neighbours.length ? (
                <ul>
                  {d.neighbours.map((nb) => (
                    <li key={nb.key}>
                      {/^[0-9A-F]{64}$/.test(nb.key) ? (
                        <a href={nodeHref(nb.key)}>{nodeLabel(nb.name, nb.key)}</a>
                      ) : (
                        <span title="unresolved hop prefix">{nb.key}</span>
                      )}{" "}
                      <span class="muted">score {fixed(nb.score, 2)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">No neighbours inferred yet.</p>
              )}
              <h2>Recent adverts ({d.adverts.length})</h2>
              <ul>
                {d.adverts.slice(0, 50).map((a) => (
                  <li key={`${a.hash}-${a.at}`}>
                    <a href={packetHref(a.hash)}>{dateTime(a.at)}</a>{" "}
                    <span class="muted">
                      {fixed(a.snr, 1, " dB")} · {a.hops ?? "–"} hops · {shortKey(a.hash)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
