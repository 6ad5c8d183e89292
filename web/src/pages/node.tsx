/** Node detail: identity, health, signal, neighbours by name, its own adverts, a small map. */
import { Chart } from "../components/chart.tsx";
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, DASH, dateTime, duration, fixed, nodeLabel } from "../format.ts";
import { useApi } from "../hooks.ts";
import { hasPosition, type LinkSignal, type Neighbour, type NodeDetail } from "../model.ts";
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
        {(d) => <NodeBody d={d} />}
      </LoadState>
    </section>
  );
}

function signal(s: { recent: number } | null, unit: string, digits: number): string {
  return s === null ? DASH : `${s.recent.toFixed(digits)} ${unit}`;
}

function NodeBody(props: { d: NodeDetail }) {
  const d = props.d;
  const history = [...d.snrHistory].filter((p) => p.snr !== null).reverse();
  return (
    <>
      <h1 data-testid="node-name">
        {nodeLabel(d.name, d.publicKey)}
        {d.gateway ? <span class="badge gw">this gateway</span> : null}
      </h1>
      <dl class="kv" data-testid="node-facts">
        <Field label="Public key">
          <code class="key">{d.publicKey}</code>
        </Field>
        <Field label="Role">{d.role}</Field>
        <Field label="Health">
          <span class={`badge h-${d.status}`}>{d.status}</span>
        </Field>
        <Field label="Last heard">
          <span data-testid="last-heard" title={dateTime(d.lastHeard)}>
            {ago(d.lastHeard)}
          </span>
        </Field>
        <Field label="First heard">
          <span data-testid="first-heard">{dateTime(d.firstHeard)}</span>
        </Field>
        <Field label="Adverts">
          <span data-testid="advert-count">{d.advertCount}</span>
          {d.advertIntervalSec !== null ? ` · every ${duration(d.advertIntervalSec)}` : ""}
        </Field>
        <Field label="Relayed">{d.relayed} packets</Field>
        <Field label="Fewest hops">{d.fewestHops ?? DASH}</Field>
        <Field label="SNR (direct)">
          <span data-testid="node-snr">{signal(d.snr, "dB", 1)}</span>
        </Field>
        <Field label="RSSI (direct)">{signal(d.rssi, "dBm", 0)}</Field>
        <Field label="Position">
          {hasPosition(d) ? `${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}` : "not shared"}
        </Field>
      </dl>
      {hasPosition(d) ? <MeshMap nodes={[d]} edges={[]} small /> : null}
      <h2>Neighbours ({d.neighbours.length})</h2>
      {d.neighbours.length ? (
        <Neighbours list={d.neighbours} />
      ) : (
        <p class="muted">No neighbours inferred yet.</p>
      )}
      <h2>SNR of its adverts</h2>
      {history.length ? (
        <Chart
          xs={history.map((p) => p.at / 1000)}
          ys={history.map((p) => p.snr)}
          label="SNR of this node's adverts"
          unit="dB"
        />
      ) : (
        <p class="muted">No SNR history.</p>
      )}
      <h2>Its adverts ({d.adverts.length})</h2>
      <ul data-testid="adverts">
        {d.adverts.slice(0, 50).map((a) => (
          <li key={`${a.hash}-${a.receivedAt}-${a.radioId}`}>
            <a href={packetHref(a.hash)}>{dateTime(Date.parse(a.receivedAt))}</a>{" "}
            <span class="muted">
              {fixed(a.snr, 1, " dB")} · {fixed(a.rssi, 0, " dBm")} · {a.hops.length} hops
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

function link(s: LinkSignal | null): string {
  if (!s) return DASH;
  const snr = s.snr ? `${s.snr.recent.toFixed(1)} dB` : DASH;
  const rssi = s.rssi ? `${Math.round(s.rssi.recent)} dBm` : "";
  return rssi ? `${snr} / ${rssi}` : snr;
}

function Neighbours(props: { list: readonly Neighbour[] }) {
  return (
    <div class="scroll-x">
      <table class="grid" data-testid="neighbours">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Seen</th>
            <th scope="col">Heard here</th>
            <th scope="col">Heard there</th>
            <th scope="col">Last</th>
          </tr>
        </thead>
        <tbody>
          {props.list.map((nb) => (
            <tr key={nb.publicKey ?? nb.prefix}>
              <td>
                {nb.publicKey ? (
                  <a href={nodeHref(nb.publicKey)}>{nodeLabel(nb.name, nb.publicKey)}</a>
                ) : (
                  <span title="hop prefix not pinned to one node">unknown ({nb.prefix})</span>
                )}{" "}
                <span class="muted" title="confidence">
                  {Math.round(nb.confidence * 100)}%
                </span>
              </td>
              <td>{nb.sightings}×</td>
              <td title="how this node heard the neighbour">{link(nb.heardByThis)}</td>
              <td title="how the neighbour heard this node">{link(nb.heardByNeighbour)}</td>
              <td>{ago(nb.lastHeard)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
