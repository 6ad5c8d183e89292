/** Packet detail: decoded fields, a colour-coded byte breakdown, all observations. */
import { useMemo } from "preact/hooks";
import { fromHex, toHex } from "../../../daemon/core/bytes.ts";
import { breakdown, type Segment } from "../bytes.ts";
import { HearingsTable } from "../components/hearings.tsx";
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { dateTime, fixed, nodeLabel } from "../format.ts";
import { useApi } from "../hooks.ts";
import { isObj, type PacketDetail, type PathView } from "../model.ts";
import { nodeHref } from "../router.ts";
import { MeshMap } from "./map.tsx";

export function PacketPage(props: { hash: string }) {
  const { api } = useApp();
  const detail = useApi(() => api.packet(props.hash), [api, props.hash]);
  return (
    <section>
      <p>
        <a href="#/feed">← Live feed</a>
      </p>
      <h1>
        Packet <code>{props.hash}</code>
      </h1>
      <LoadState state={detail} what="this packet">
        {(d) => <PacketBody d={d} />}
      </LoadState>
    </section>
  );
}

/** A path as node names linked to their pages; unresolved hops stay as heard. */
export function PathNames(props: { path: PathView }) {
  if (props.path.hops.length === 0) return <span>direct from the sender (0 hops)</span>;
  const hops = props.path.resolved.length
    ? props.path.resolved
    : props.path.hops.map((prefix) => ({
        prefix,
        publicKey: null,
        name: null,
        confidence: 0,
      }));
  return (
    <ol class="path" data-testid="path">
      {hops.map((h, i) => (
        <li key={`${i}-${h.prefix}`}>
          {h.publicKey ? (
            <a
              href={nodeHref(h.publicKey)}
              title={`${h.prefix} · ${Math.round(h.confidence * 100)}% sure`}
            >
              {nodeLabel(h.name, h.publicKey)}
            </a>
          ) : (
            <code title="not pinned to one known node">{h.prefix}</code>
          )}
        </li>
      ))}
    </ol>
  );
}

function PacketBody(props: { d: PacketDetail }) {
  const { api } = useApp();
  const d = props.d;
  const first = d.observations[0];
  const nodes = useApi(() => api.nodes(), [api]);
  const pathKeys = useMemo(() => {
    const keys = d.path.resolved.map((h) => h.publicKey).filter((k): k is string => k !== null);
    const from = senderKey(d.decoded);
    return from ? [from, ...keys] : keys;
  }, [d]);
  if (!first) return <p class="notice">No observation of this packet is stored.</p>;
  const onPath =
    nodes.kind === "ok" ? nodes.data.filter((n) => pathKeys.includes(n.publicKey)) : [];
  return (
    <>
      <dl class="kv" data-testid="packet-facts">
        <Field label="Type">{d.payloadType}</Field>
        <Field label="Route">{d.route}</Field>
        <Field label="Summary">{d.summary}</Field>
        <Field label="Heard">
          <span data-testid="heard">{d.observationCount}×</span> · best {fixed(d.bestSnr, 1, " dB")}{" "}
          / {fixed(d.bestRssi, 0, " dBm")}
        </Field>
        <Field label="Path">
          <PathNames path={d.path} />
        </Field>
        {d.decodeError ? <Field label="Decode error">{d.decodeError}</Field> : null}
      </dl>
      {onPath.length > 1 ? <MeshMap nodes={onPath} edges={[]} path={pathKeys} small /> : null}
      <h2>Bytes</h2>
      <Bytes raw={first.raw} />
      {d.decoded !== null ? (
        <>
          <h2>Decoded</h2>
          <Tree value={d.decoded} depth={0} />
        </>
      ) : null}
      <h2>Observations ({d.observations.length})</h2>
      <div class="scroll-x">
        <HearingsTable
          rows={d.observations}
          timeLabel="received"
          time={(o) => dateTime(Date.parse(o.receivedAt))}
          units
          testId="observations"
        />
      </div>
    </>
  );
}

/** An advert's sender key from the decoded form (the path starts there). */
function senderKey(decoded: unknown): string | null {
  const advert = isObj(decoded) && decoded.payloadType === "ADVERT" ? decoded : null;
  const k = advert && typeof advert.publicKey === "string" ? advert.publicKey : null;
  return k && /^[0-9a-fA-F]{64}$/.test(k) ? k.toUpperCase() : null;
}

function Bytes(props: { raw: string }) {
  const bytes = useMemo(() => fromHex(props.raw) ?? new Uint8Array(0), [props.raw]);
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

/** The segment's bytes as spaced hex pairs ("aa bb "). */
function hex(b: Uint8Array, s: Segment): string {
  return toHex(b.subarray(s.start, s.end)).replace(/../g, "$& ");
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
          .filter(([, x]) => x !== null && x !== undefined)
          .slice(0, 100)
          .map(([k, x]) => (
            <Field key={k} label={k.slice(0, 64)}>
              <Tree value={x} depth={props.depth + 1} />
            </Field>
          ))}
      </dl>
    );
  }
  // Absent values (a payload not decrypted, a field not sent) read as a dash, not "null".
  if (v === null || v === undefined) return <span class="muted">–</span>;
  return <span>{String(v).slice(0, 512)}</span>;
}
