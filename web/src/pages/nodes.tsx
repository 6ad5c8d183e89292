/** Nodes: searchable, sortable table with health badges. */
import { useMemo, useState } from "preact/hooks";
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, DASH, fixed, nodeLabel, shortKey } from "../format.ts";
import { useApi, useTick } from "../hooks.ts";
import type { NodeInfo } from "../model.ts";
import { nodeHref } from "../router.ts";

export type SortKey = "lastSeen" | "snr" | "hops" | "role" | "name";

export type Health = "healthy" | "degraded" | "silent";

/**
 * The daemon's verdict when it gives one (it knows each role's advert
 * interval); otherwise a plain age rule. Adverts go out every few hours at
 * most on busy meshes, hence the wide bands.
 */
export function nodeHealth(n: NodeInfo, now: number): Health {
  if (n.health === "healthy" || n.health === "degraded" || n.health === "silent") return n.health;
  if (n.lastSeen === null) return "silent";
  const age = now - n.lastSeen;
  if (age < 3 * 3_600_000) return "healthy";
  if (age < 48 * 3_600_000) return "degraded";
  return "silent";
}

export function sortNodes(ns: readonly NodeInfo[], key: SortKey, q: string): NodeInfo[] {
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
      case "lastSeen":
        return nullLast(a.lastSeen, b.lastSeen, true);
      case "snr":
        return nullLast(a.snr, b.snr, true);
      case "hops":
        return nullLast(a.hops, b.hops, false);
      case "role":
        return a.role.localeCompare(b.role) || nullLast(a.lastSeen, b.lastSeen, true);
      case "name":
        return nodeLabel(a.name, a.publicKey).localeCompare(nodeLabel(b.name, b.publicKey));
      default:
        return 0;
    }
  });
  return out;
}

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "role", label: "Role" },
  { key: "lastSeen", label: "Last heard" },
  { key: "snr", label: "SNR" },
  { key: "hops", label: "Hops" },
];

export function NodesPage() {
  const { api } = useApp();
  const nodes = useApi(() => api.nodes(), [api], 30_000);
  const [sort, setSort] = useState<SortKey>("lastSeen");
  const [q, setQ] = useState("");
  const now = useTick(30_000);
  return (
    <section>
      <h1>Nodes</h1>
      <div class="toolbar">
        <label>
          Search{" "}
          <input
            type="search"
            placeholder="name or key"
            maxLength={64}
            value={q}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      <LoadState state={nodes} what="the node list">
        {(ns) => <NodeTable nodes={ns} sort={sort} setSort={setSort} q={q} now={now} />}
      </LoadState>
    </section>
  );
}

function NodeTable(props: {
  nodes: readonly NodeInfo[];
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
    <table class="grid" data-testid="nodes">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" aria-sort={props.sort === c.key ? "descending" : undefined}>
              <button type="button" class="linkish" onClick={() => props.setSort(c.key)}>
                {c.label}
              </button>
            </th>
          ))}
          <th scope="col">Health</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((n) => {
          const h = nodeHealth(n, props.now);
          return (
            <tr key={n.publicKey}>
              <td>
                <a href={nodeHref(n.publicKey)}>{nodeLabel(n.name, n.publicKey)}</a>{" "}
                <code class="muted">{shortKey(n.publicKey)}</code>
              </td>
              <td>
                <span class={`role r-${n.role}`}>{n.role}</span>
              </td>
              <td>{ago(n.lastSeen, props.now)}</td>
              <td>{fixed(n.snr, 1)}</td>
              <td>{n.hops ?? DASH}</td>
              <td>
                <span class={`badge h-${h}`}>{h}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
