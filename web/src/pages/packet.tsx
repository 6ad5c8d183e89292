/** Packet detail: decoded fields, a colour-coded byte breakdown, all observations. */
import { useMemo } from "preact/hooks";
import { breakdown, hexToBytes, type Segment } from "../bytes.ts";
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { dateTime, fixed } from "../format.ts";
import { useApi } from "../hooks.ts";
import { isObj, type Packet } from "../model.ts";

export function PacketPage(props: { hash: string }) {
  const { api, packets } = useApp();
  const detail = useApi(() => api.packet(props.hash), [api, props.hash]);
  // The live buffer already knows this transmission's hearings: use them when
  // the detail endpoint is absent, so the page still shows something true.
  const local = useMemo(
    () => packets.filter((p) => p.hash === props.hash).reverse(),
    [packets, props.hash],
  );
  const fallback = detail.kind === "missing" && local.length > 0;
  return (
    <section>
      <p>
        <a href="#/feed">← Live feed</a>
      </p>
      <h1>
        Packet <code>{props.hash}</code>
      </h1>
      {fallback ? (
        <PacketBody decoded={null} observations={local} />
      ) : (
        <LoadState state={detail} what="this packet">
          {(d) => (
            <PacketBody
              decoded={d.decoded}
              observations={d.observations.length ? d.observations : local}
            />
          )}
        </LoadState>
      )}
    </section>
  );
}

function PacketBody(props: { decoded: unknown; observations: readonly Packet[] }) {
  const first = props.observations[0];
  if (!first) return <p class="notice">No observation of this packet is stored.</p>;
  return (
    <>
      <dl class="kv">
        <Field label="Type">{first.payloadType}</Field>
        <Field label="Route">{first.route}</Field>
        <Field label="Summary">{first.summary}</Field>
        <Field label="Path">
          {first.hops.length ? first.hops.join(" → ") : "direct from sender"}
        </Field>
        {first.error ? <Field label="Decode error">{first.error}</Field> : null}
      </dl>
      <h2>Bytes</h2>
      <Bytes raw={first.raw} />
      {props.decoded !== null && props.decoded !== undefined ? (
        <>
          <h2>Decoded</h2>
          <Tree value={props.decoded} depth={0} />
        </>
      ) : null}
      <h2>Observations ({props.observations.length})</h2>
      <table class="grid" data-testid="observations">
        <thead>
          <tr>
            <th scope="col">received</th>
            <th scope="col">radio</th>
            <th scope="col">SNR</th>
            <th scope="col">RSSI</th>
            <th scope="col">path</th>
          </tr>
        </thead>
        <tbody>
          {props.observations.map((o) => (
            <tr key={o.id}>
              <td>{dateTime(o.at)}</td>
              <td>{o.radioId}</td>
              <td>{fixed(o.snr, 1, " dB")}</td>
              <td>{fixed(o.rssi, 0, " dBm")}</td>
              <td>{o.hops.join(" → ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Bytes(props: { raw: string }) {
  const bytes = useMemo(() => hexToBytes(props.raw), [props.raw]);
  const segs = useMemo(() => breakdown(bytes), [bytes]);
  return (
    <div class="bytes" data-testid="bytes">
      <div class="hex">
        {segs.map((s) => (
          <span key={s.start} class={`seg k-${s.kind}`} title={s.label}>
            {hex(bytes, s)}
          </span>
        ))}
      </div>
      <ul class="legend">
        {segs.map((s) => (
          <li key={s.start}>
            <span class={`swatch k-${s.kind}`} aria-hidden="true" /> {s.label}{" "}
            <span class="muted">
              [{s.start}..{s.end - 1}]{s.note ? ` ${s.note}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function hex(b: Uint8Array, s: Segment): string {
  let out = "";
  for (let i = s.start; i < s.end; i++) out += `${(b[i] ?? 0).toString(16).padStart(2, "0")} `;
  return out;
}

/** Decoded fields as nested lists; every value becomes text, depth-bounded. */
function Tree(props: { value: unknown; depth: number }) {
  const v = props.value;
  if (props.depth > 5) return <span class="muted">…</span>;
  if (Array.isArray(v)) {
    return (
      <ol class="tree">
        {v.slice(0, 100).map((x, i) => (
          <li key={i}>
            <Tree value={x} depth={props.depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (isObj(v)) {
    return (
      <dl class="kv tree">
        {Object.entries(v)
          .slice(0, 100)
          .map(([k, x]) => (
            <Field key={k} label={k.slice(0, 64)}>
              <Tree value={x} depth={props.depth + 1} />
            </Field>
          ))}
      </dl>
    );
  }
  return <span>{String(v).slice(0, 512)}</span>;
}
