/**
 * Global search: a node by name or key prefix, or a packet by its hash. One
 * box in the header leads here; a single node match opens that node.
 */
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, nodeLabel, shortKey } from "../format.ts";
import { useApi } from "../hooks.ts";
import type { NodeSummary } from "../model.ts";
import { nodeHref, packetHref } from "../router.ts";

const HASH = /^[0-9a-f]{16}$/;

export function matchNodes(ns: readonly NodeSummary[], q: string): NodeSummary[] {
  const s = q.trim().toLowerCase();
  if (!s) return [];
  return ns.filter(
    (n) => (n.name ?? "").toLowerCase().includes(s) || n.publicKey.toLowerCase().startsWith(s),
  );
}

export function SearchPage(props: { q: string }) {
  const { api } = useApp();
  const q = props.q.trim();
  const nodes = useApi(() => api.nodes(), [api]);
  const isHash = HASH.test(q.toLowerCase());
  const packet = useApi(
    () =>
      isHash
        ? api.packet(q.toLowerCase())
        : Promise.resolve({ kind: "missing" as const, status: 404, message: null }),
    [api, q],
  );
  return (
    <section>
      <h1>Search: “{q}”</h1>
      {isHash && packet.kind === "ok" ? (
        <p data-testid="search-packet">
          Packet{" "}
          <a href={packetHref(packet.data.hash)}>{packet.data.summary || packet.data.hash}</a>{" "}
          <span class="muted">
            ({packet.data.payloadType}, heard {packet.data.observationCount}×)
          </span>
        </p>
      ) : null}
      <LoadState state={nodes} what="the node list">
        {(ns) => {
          const hits = matchNodes(ns, q);
          if (hits.length === 0)
            return <p class="muted">No node{isHash ? "" : " or packet"} matches.</p>;
          return (
            <ul data-testid="search-nodes">
              {hits.slice(0, 100).map((n) => (
                <li key={n.publicKey}>
                  <a href={nodeHref(n.publicKey)}>{nodeLabel(n.name, n.publicKey)}</a>{" "}
                  <code class="muted">{shortKey(n.publicKey)}</code>{" "}
                  <span class="muted">
                    {n.role} · heard {ago(n.lastHeard)}
                  </span>
                </li>
              ))}
            </ul>
          );
        }}
      </LoadState>
    </section>
  );
}
