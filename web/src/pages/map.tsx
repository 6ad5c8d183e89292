/**
 * Map of nodes with positions and the links between them. Tiles are optional:
 * when they cannot load (no internet on the mesh), the markers and links still
 * draw on the plain background and a note says tiles are off.
 */
import L from "leaflet";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { ago, nodeLabel } from "../format.ts";
import { useApi } from "../hooks.ts";
import { type GraphEdgeView, graphEdges, hasPosition, type NodeSummary } from "../model.ts";
import { nodeHref } from "../router.ts";

export const DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_KEY = "meshgate.tiles";

export const ROLE_COLOURS: Readonly<Record<string, string>> = {
  repeater: "#d9480f",
  chat: "#1971c2",
  room: "#7048e8",
  sensor: "#2f9e44",
  unknown: "#868e96",
};

/** "off", a template URL, or the default. Stored per browser. */
function tileSetting(): string {
  try {
    return localStorage.getItem(TILE_KEY) ?? DEFAULT_TILES;
  } catch {
    return DEFAULT_TILES;
  }
}

export function MapPage() {
  const { api } = useApp();
  const nodes = useApi(() => api.nodes(), [api], 60_000);
  const graph = useApi(() => api.graph(), [api], 60_000);
  const [tiles, setTiles] = useState(tileSetting);
  const edges = useMemo(() => (graph.kind === "ok" ? graphEdges(graph.data) : []), [graph]);
  return (
    <section>
      <h1>Map</h1>
      <div class="toolbar">
        <label>
          <input
            type="checkbox"
            checked={tiles !== "off"}
            onChange={(e) => {
              const v = (e.target as HTMLInputElement).checked ? DEFAULT_TILES : "off";
              try {
                localStorage.setItem(TILE_KEY, v);
              } catch {
                // Private mode: the choice lasts for this page only.
              }
              setTiles(v);
            }}
          />{" "}
          map tiles (needs internet)
        </label>
        <Legend />
      </div>
      <LoadState state={nodes} what="the node list">
        {(ns) => <MeshMap nodes={ns} edges={edges} tiles={tiles} />}
      </LoadState>
    </section>
  );
}

function Legend() {
  return (
    <span class="legend-inline">
      {Object.entries(ROLE_COLOURS).map(([role, c]) => (
        <span key={role} class={`dot r-${role}`} data-colour={c}>
          {role}
        </span>
      ))}
    </span>
  );
}

type Placeable = Pick<
  NodeSummary,
  "publicKey" | "name" | "role" | "status" | "lat" | "lon" | "lastHeard"
> & {
  readonly gateway?: boolean;
};

/** Labels on every marker up to this many nodes; past it they crowd out the map. */
const MAX_LABELS = 80;

export function MeshMap(props: {
  nodes: readonly Placeable[];
  edges: readonly GraphEdgeView[];
  tiles?: string;
  small?: boolean;
  /** Keys along a packet's path, sender first: drawn as a highlighted line. */
  path?: readonly string[];
}) {
  const host = useRef<HTMLElement>(null);
  const [tileFailed, setTileFailed] = useState(false);
  const placed = props.nodes.filter(hasPosition);
  const tiles = props.tiles ?? tileSetting();

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const map = L.map(el, { attributionControl: tiles !== "off", zoomControl: !props.small });
    if (tiles !== "off") {
      const layer = L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: "© OpenStreetMap contributors",
      });
      layer.on("tileerror", () => setTileFailed(true));
      layer.addTo(map);
    }
    const now = Date.now();
    const byKey = new Map(placed.map((n) => [n.publicKey, n]));
    for (const e of props.edges) {
      const a = byKey.get(e.a);
      const b = byKey.get(e.b);
      if (!a || !b) continue;
      L.polyline(
        [
          [a.lat, a.lon],
          [b.lat, b.lon],
        ],
        {
          color: "#495057",
          weight: 1 + 4 * e.score,
          opacity: 0.25 + 0.6 * e.confidence,
          interactive: false,
        },
      ).addTo(map);
    }
    const route = (props.path ?? []).map((k) => byKey.get(k)).filter((n) => n !== undefined);
    if (route.length > 1) {
      L.polyline(
        route.map((n) => [n.lat, n.lon] as [number, number]),
        { color: "#e03131", weight: 4, opacity: 0.9, interactive: false, className: "packet-path" },
      ).addTo(map);
    }
    const labels = !props.small && placed.length <= MAX_LABELS;
    for (const n of placed) {
      // A focusable marker (Leaflet gives it tabindex=0 and Enter opens the
      // popup); its label is a text node: names come from the air, never HTML.
      const icon = document.createElement("span");
      icon.className = `pin r-${n.role} h-${n.status}${n.gateway ? " gw" : ""}`;
      if (labels) icon.append(textEl("span", nodeLabel(n.name, n.publicKey)));
      const m = L.marker([n.lat, n.lon], {
        icon: L.divIcon({
          html: icon,
          className: "pin-wrap",
          iconSize: [14, 14],
          iconAnchor: [7, 7],
        }),
        title: `${nodeLabel(n.name, n.publicKey)} (${n.role}${n.gateway ? ", this gateway" : ""})`,
        alt: nodeLabel(n.name, n.publicKey),
        keyboard: true,
        zIndexOffset: n.gateway ? 1000 : 0,
      });
      m.bindPopup(() => popup(n, now));
      m.addTo(map);
    }
    if (placed.length > 0) {
      map.fitBounds(
        L.latLngBounds(placed.map((n) => [n.lat, n.lon] as [number, number])).pad(0.2),
        { maxZoom: 13 },
      );
    } else {
      map.setView([0, 0], 1);
    }
    return () => {
      map.remove();
    };
  }, [placed.length, props.nodes, props.edges, props.path, tiles, props.small]);

  return (
    <div class="map-wrap">
      <section
        ref={host}
        class={props.small ? "map small" : "map"}
        aria-label="Map of nodes"
        data-testid="map"
      />
      {placed.length === 0 ? <p class="muted">No node has shared a position yet.</p> : null}
      {tileFailed ? (
        <p class="muted" data-testid="tiles-off">
          Map tiles could not load (offline?); positions are drawn on a plain background.
        </p>
      ) : null}
    </div>
  );
}

function textEl(tag: string, text: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function popup(n: Placeable, now: number): HTMLElement {
  const div = document.createElement("div");
  const a = document.createElement("a");
  a.href = nodeHref(n.publicKey);
  a.textContent = nodeLabel(n.name, n.publicKey);
  div.append(a, textEl("div", `${n.role} · heard ${ago(n.lastHeard, now)}`));
  return div;
}
