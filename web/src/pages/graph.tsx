/** Neighbour graph: force layout in SVG; thickness = score, opacity = confidence. */
import { useMemo, useState } from "preact/hooks";
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { fixed, nodeLabel } from "../format.ts";
import { useApi } from "../hooks.ts";
import { forceLayout } from "../layout.ts";
import { type GraphView as Graph, graphEdges } from "../model.ts";
import { nodeHref } from "../router.ts";

const W = 900;
const H = 600;
/** Past this many nodes the layout's O(n^2) steps get slow on a phone. */
const MAX_NODES = 400;

export function GraphPage() {
  const { api } = useApp();
  const graph = useApi(() => api.graph(), [api], 120_000);
  const [minConf, setMinConf] = useState(0);
  return (
    <section>
      <h1>Neighbour graph</h1>
      <div class="toolbar">
        <label>
          Minimum confidence{" "}
          <input
            type="range"
            min={0}
            max={100}
            value={minConf * 100}
            onInput={(e) => setMinConf(Number((e.target as HTMLInputElement).value) / 100)}
          />{" "}
          {Math.round(minConf * 100)}%
        </label>
      </div>
      <LoadState state={graph} what="the neighbour graph">
        {(g) => <GraphView g={g} minConf={minConf} />}
      </LoadState>
    </section>
  );
}

function GraphView(props: { g: Graph; minConf: number }) {
  const { nodes, edges, pts, index } = useMemo(() => {
    const edges = graphEdges(props.g).filter((e) => e.confidence >= props.minConf);
    const linked = new Set(edges.flatMap((e) => [e.a, e.b]));
    const nodes = props.g.nodes.filter((n) => linked.has(n.id)).slice(0, MAX_NODES);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    const le = edges
      .map((e) => ({ a: index.get(e.a) ?? -1, b: index.get(e.b) ?? -1, weight: e.score }))
      .filter((e) => e.a >= 0 && e.b >= 0);
    // The right margin leaves room for the labels drawn beside each dot.
    const pts = forceLayout(nodes.length, le, { width: W - 100, height: H, seed: 7, margin: 16 });
    return { nodes, edges, pts, index };
  }, [props.g, props.minConf]);
  if (nodes.length === 0) return <p class="muted">No neighbour links inferred yet.</p>;
  return (
    <>
      <p class="muted">
        {nodes.length} nodes, {edges.length} links. Thicker lines: stronger evidence; faint dashed
        lines: low confidence.
      </p>
      <svg class="graph" viewBox={`0 0 ${W} ${H}`} aria-label="Neighbour graph" data-testid="graph">
        <g class="edges">
          {edges.map((e) => {
            const a = pts[index.get(e.a) ?? -1];
            const b = pts[index.get(e.b) ?? -1];
            if (!a || !b) return null;
            return (
              <line
                key={`${e.a}-${e.b}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                stroke-width={1 + 5 * e.score}
                stroke-opacity={0.2 + 0.7 * e.confidence}
                stroke-dasharray={e.confidence < 0.5 ? "4 3" : undefined}
              >
                <title>
                  score {fixed(e.score, 2)}, confidence {Math.round(e.confidence * 100)}%
                </title>
              </line>
            );
          })}
        </g>
        <g class="nodes">
          {nodes.map((n, i) => {
            const p = pts[i];
            if (!p) return null;
            const dot = (
              <>
                <circle cx={p.x} cy={p.y} r={7} />
                <text x={p.x + 10} y={p.y + 4}>
                  {nodeLabel(n.name, n.id)}
                </text>
              </>
            );
            // Unresolved hop prefixes ("?42") have no node page to go to.
            return n.resolved ? (
              <a key={n.id} href={nodeHref(n.id)} class={`gnode r-${n.role}`}>
                {dot}
              </a>
            ) : (
              <g key={n.id} class="gnode unresolved">
                <title>unresolved hop prefix {n.id}</title>
                {dot}
              </g>
            );
          })}
        </g>
      </svg>
    </>
  );
}
