/**
 * Live feed: one row per transmission (every hearing of a packet grouped by
 * its hash) with how often and how well the gateway heard it and the path
 * by node names; a row opens to show each hearing. Filterable and pausable.
 */
import { useMemo, useState } from "preact/hooks";
import { HearingsTable } from "../components/hearings.tsx";
import { submitted } from "../components/submit.ts";
import { useApp } from "../context.ts";
import { groupTransmissions, type Transmission } from "../feed-groups.ts";
import { clock, fixed } from "../format.ts";
import type { Packet } from "../model.ts";
import { packetHref } from "../router.ts";
import { PathNames } from "./packet.tsx";

/** Rows rendered at once; "show older" adds this many more. */
const PAGE = 150;

export interface FeedFilter {
  readonly type: string;
  readonly text: string;
}

export function filterTransmissions(ts: readonly Transmission[], f: FeedFilter): Transmission[] {
  const q = f.text.trim().toLowerCase();
  return ts.filter((t) => {
    if (f.type && t.first.payloadType !== f.type) return false;
    if (!q) return true;
    return (
      t.first.summary.toLowerCase().includes(q) ||
      t.hash.startsWith(q) ||
      t.shortest.path.resolved.some(
        (h) => h.prefix.startsWith(q) || (h.name ?? "").toLowerCase().includes(q),
      )
    );
  });
}

export function FeedPage() {
  const { packets, backlog } = useApp();
  const [paused, setPaused] = useState<readonly Packet[] | null>(null);
  const [filter, setFilter] = useState<FeedFilter>({ type: "", text: "" });
  const [shownCount, setShownCount] = useState(PAGE);
  const source = paused ?? packets;
  const groups = useMemo(() => groupTransmissions(source), [source]);
  const shown = useMemo(() => filterTransmissions(groups, filter), [groups, filter]);
  const types = useMemo(() => [...new Set(packets.map((p) => p.payloadType))].sort(), [packets]);
  const waiting = paused ? packets.filter((p) => p.id > (paused[0]?.id ?? 0)).length : 0;
  return (
    <section>
      <h1>Live feed</h1>
      <form class="toolbar" onSubmit={submitted(() => {})} aria-label="Feed filters">
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
        <button
          type="button"
          aria-pressed={paused !== null}
          onClick={() => setPaused(paused ? null : packets)}
        >
          {paused ? `Resume (${waiting} new)` : "Pause"}
        </button>
        <span class="muted" data-testid="feed-count">
          {shown.length} packets ({source.length} hearings)
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
      <ol class="feed" aria-label="Packets, newest first">
        {shown.slice(0, shownCount).map((t) => (
          <FeedRow key={t.hash} t={t} />
        ))}
      </ol>
      {shown.length > shownCount ? (
        <button type="button" onClick={() => setShownCount(shownCount + PAGE)}>
          Show older
        </button>
      ) : null}
    </section>
  );
}

function FeedRow(props: { t: Transmission }) {
  const t = props.t;
  const p = t.first;
  const n = t.observations.length;
  // The hearings table is built only once the row is opened: 150 closed rows stay light.
  const [open, setOpen] = useState(false);
  return (
    <li class={`feed-row${p.error ? " bad" : ""}`} data-hash={t.hash}>
      {/* A button opens the hearings: a <summary> may not hold the links below. */}
      <button
        type="button"
        class="toggle"
        aria-expanded={open}
        title="Show each hearing"
        onClick={() => setOpen(!open)}
      >
        <span class="when">{clock(t.lastAt)}</span>{" "}
        <span class={`ptype t-${p.payloadType.toLowerCase()}`}>{p.payloadType}</span>
      </button>{" "}
      <a class="summary" href={packetHref(t.hash)}>
        {p.error ? `[${p.error}] ` : ""}
        {p.summary || t.hash}
      </a>
      <span class="facts muted">
        <span data-testid="heard" title="times the gateway heard it">
          heard {n}×
        </span>{" "}
        · {fixed(t.bestSnr, 1, " dB")} · {fixed(t.bestRssi, 0, " dBm")} ·{" "}
        <span data-testid="hops">{t.shortest.hops.length} hops</span>
      </span>
      {t.shortest.hops.length > 0 ? (
        <span class="via">
          via <PathNames path={t.shortest.path} />
        </span>
      ) : null}
      {open ? (
        <HearingsTable
          rows={t.observations}
          timeLabel="time"
          time={(o) => clock(o.at)}
          class="grid obs"
          label="Each hearing"
        />
      ) : null}
    </li>
  );
}
