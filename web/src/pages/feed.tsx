/** Live feed: every observation as it arrives, filterable, pausable, virtualised. */
import { useMemo, useState } from "preact/hooks";
import { VirtualList } from "../components/virtual-list.tsx";
import { useApp } from "../context.ts";
import { clock, DASH, fixed } from "../format.ts";
import type { Packet } from "../model.ts";
import { packetHref } from "../router.ts";

const ROW = 30;

export interface FeedFilter {
  readonly type: string;
  readonly text: string;
  readonly firstOnly: boolean;
}

export function filterPackets(ps: readonly Packet[], f: FeedFilter): readonly Packet[] {
  const q = f.text.trim().toLowerCase();
  if (!f.type && !q && !f.firstOnly) return ps;
  return ps.filter(
    (p) =>
      (!f.type || p.payloadType === f.type) &&
      (!f.firstOnly || p.firstSeen) &&
      (!q ||
        p.summary.toLowerCase().includes(q) ||
        p.hash.startsWith(q) ||
        p.hops.some((h) => h.startsWith(q))),
  );
}

export function FeedPage() {
  const { packets, backlog } = useApp();
  const [paused, setPaused] = useState<readonly Packet[] | null>(null);
  const [filter, setFilter] = useState<FeedFilter>({ type: "", text: "", firstOnly: false });
  const source = paused ?? packets;
  const shown = useMemo(() => filterPackets(source, filter), [source, filter]);
  const types = useMemo(() => [...new Set(packets.map((p) => p.payloadType))].sort(), [packets]);
  const height = Math.max(240, Math.min(window.innerHeight - 220, 900));
  const waiting = paused ? packets.filter((p) => p.id > (paused[0]?.id ?? 0)).length : 0;
  return (
    <section>
      <h1>Live feed</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Feed filters">
        <label>
          Type{" "}
          <select
            value={filter.type}
            onChange={(e) => setFilter({ ...filter, type: (e.target as HTMLSelectElement).value })}
          >
            <option value="">all</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{" "}
          <input
            type="search"
            placeholder="text, hash or hop"
            maxLength={64}
            value={filter.text}
            onInput={(e) => setFilter({ ...filter, text: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={filter.firstOnly}
            onChange={(e) =>
              setFilter({ ...filter, firstOnly: (e.target as HTMLInputElement).checked })
            }
          />{" "}
          first hearing only
        </label>
        <button
          type="button"
          aria-pressed={paused !== null}
          onClick={() => setPaused(paused ? null : packets)}
        >
          {paused ? `Resume (${waiting} new)` : "Pause"}
        </button>
        <span class="muted" data-testid="feed-count">
          {shown.length} of {source.length} packets
        </span>
      </form>
      {backlog === "building" ? (
        <p class="notice building" data-state="building">
          meshgate is still building its indexes; older packets appear when it is done. New packets
          show live.
        </p>
      ) : null}
      {backlog === "missing" || backlog === "error" ? (
        <p class="notice">Stored packets are not available; showing live packets only.</p>
      ) : null}
      <div class="feed-head" aria-hidden="true">
        <span>time</span>
        <span>type</span>
        <span>route</span>
        <span>SNR</span>
        <span>hops</span>
        <span>summary</span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={ROW}
        height={height}
        label="Packets, newest first"
        row={(p) => <FeedRow key={p.id} p={p} />}
      />
    </section>
  );
}

function FeedRow(props: { p: Packet }) {
  const p = props.p;
  return (
    <a
      class={`feed-row${p.firstSeen ? "" : " repeat"}${p.error ? " bad" : ""}`}
      href={packetHref(p.hash)}
      data-id={p.id}
    >
      <span>{clock(p.at)}</span>
      <span class={`ptype t-${p.payloadType.toLowerCase()}`}>{p.payloadType}</span>
      <span>{p.route.replace("TRANSPORT_", "T_")}</span>
      <span>{fixed(p.snr, 1)}</span>
      <span>{p.hops.length || DASH}</span>
      <span class="summary">
        {p.error ? `[${p.error}] ` : ""}
        {p.summary}
      </span>
    </a>
  );
}
