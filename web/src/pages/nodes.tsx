/** Nodes: searchable, sortable table with health badges. */

import { useMemo, useState } from "preact/hooks";
import { TextField } from "../components/fields.tsx";
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, DASH, fixed, nodeLabel, shortKey } from "../format.ts";
import { useApi, useTick } from "../hooks.ts";
import type { NodeSummary } from "../model.ts";
import { nodeHref } from "../router.ts";

export type SortKey = "lastHeard" | "snr" | "hops" | "role" | "name";

/** The SNR the list shows and sorts by: the recent mean of direct hearings. */
export const snrOf = (n: NodeSummary): number | null => n.snr?.recent ?? null;

export function sortNodes(ns: readonly NodeSummary[], key: SortKey, q: string): NodeSummary[] {
  const s = q.trim().toLowerCase();
  const out = s
    ? ns.filter(
        (n) => (n.name ?? "").toLowerCase().includes(s) || n.publicKey.toLowerCase().startsWith(s),
      )
    : [...ns];
  const nullLast = (a: number | null, b: number | null, desc: boolean) =>
    a === null ? (b === null ? 0 : 1) : b === null ? -1 : desc ? b - a : a - b;
  out.sort((a, b) => {
    switch (key) {
      case "lastHeard":
        return nullLast(a.lastHeard, b.lastHeard, true);
      case "snr":
        return nullLast(snrOf(a), snrOf(b), true);
      case "hops":
        return nullLast(a.fewestHops, b.fewestHops, false);
      case "role":
        return a.role.localeCompare(b.role) || nullLast(a.lastHeard, b.lastHeard, true);
      case "name":
        return nodeLabel(a.name, a.publicKey).localeCompare(nodeLabel(b.name, b.publicKey));
      default:
        return 0;
    }
  });
  return out;
}

const COLUMNS: readonly { key: SortKey; label: string; wide?: boolean }[] = [
  { key: "name", label: "Name" },
  { key: "role", label: "Role", wide: true },
  { key: "lastHeard", label: "Heard" },
  { key: "snr", label: "SNR" },
  { key: "hops", label: "Hops", wide: true },
];

export function NodesPage() {
  const { api } = useApp();
  const nodes = useApi(() => api.nodes(), [api], 30_000);
  const [sort, setSort] = useState<SortKey>("lastHeard");
  const [q, setQ] = useState("");
  const now = useTick(30_000);
  return (
    <section>
      <h1>Nodes</h1>
      <div class="toolbar">
        <TextField
          label="Search"
          name="q"
          search
          placeholder="name or key"
          maxLength={64}
          value={q}
          onInput={setQ}
        />
      </div>
      <LoadState state={nodes} what="the node list">
        {(ns) => <NodeTable nodes={ns} sort={sort} setSort={setSort} q={q} now={now} />}
      </LoadState>
    </section>
  );
}

function NodeTable(props: {
  nodes: readonly NodeSummary[];
  sort: SortKey;
  setSort: (k: SortKey) => void;
  q: string;
  now: number;
}) {
  const rows = useMemo(
    () => sortNodes(props.nodes, props.sort, props.q),
    [props.nodes, props.sort, props.q],
  );
  return (
    <table class="grid nodes" data-testid="nodes">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th
              key={c.key}
              scope="col"
              class={c.wide ? "wide" : undefined}
              aria-sort={
                props.sort === c.key ? (c.key === "name" ? "ascending" : "descending") : undefined
              }
            >
              <button type="button" class="linkish" onClick={() => props.setSort(c.key)}>
                {c.label}
              </button>
            </th>
          ))}
          <th scope="col">Health</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((n) => (
          <tr key={n.publicKey} data-key={n.publicKey}>
            <td class="name">
              <a href={nodeHref(n.publicKey)}>{nodeLabel(n.name, n.publicKey)}</a>
              {n.gateway ? <span class="badge gw">gateway</span> : null}{" "}
              <code class="muted">{shortKey(n.publicKey)}</code>
            </td>
            <td class="wide">
              <span class={`role r-${n.role}`}>{n.role}</span>
            </td>
            <td>{ago(n.lastHeard, props.now)}</td>
            <td data-testid="snr">{fixed(snrOf(n), 1)}</td>
            <td class="wide">{n.fewestHops ?? DASH}</td>
            <td>
              <span class={`badge h-${n.status}`}>{n.status}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
