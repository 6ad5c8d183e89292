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
import { setTilesWanted, type TileSource, tileSource, tilesWanted, useBasemap } from "../tiles.ts";

export const ROLE_COLOURS: Readonly<Record<string, string>> = {
  repeater: "#d9480f",
  chat: "#1971c2",
  room: "#7048e8",
  sensor: "#2f9e44",
  unknown: "#868e96",
};

export function MapPage() {
  const { api } = useApp();
  const nodes = useApi(() => api.nodes(), [api], 60_000);
  const graph = useApi(() => api.graph(), [api], 60_000);
  const basemap = useBasemap(api);
  const [wanted, setWanted] = useState(tilesWanted);
  const edges = useMemo(() => (graph.kind === "ok" ? graphEdges(graph.data) : []), [graph]);
  const offline = basemap !== "loading" && basemap?.mode === "offline";
  const tiles = basemap === "loading" ? null : tileSource(basemap, wanted);
  return (
    <section>
      <h1>Map</h1>
      <div class="toolbar">
        {basemap !== "loading" && basemap?.mode !== "none" ? (
          <label>
            <input
              type="checkbox"
              checked={wanted}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setTilesWanted(on);
                setWanted(on);
              }}
            />{" "}
            {offline ? "map tiles (offline, from the gateway)" : "map tiles (needs internet)"}
          </label>
        ) : null}
        <Legend />
      </div>
      {tiles?.kind === "off" && tiles.why ? (
        <p class="muted" data-testid="tiles-why">
          No map tiles: {tiles.why}.
        </p>
      ) : null}
      <LoadState state={nodes} what="the node list">
        {(ns) => (tiles ? <MeshMap nodes={ns} edges={edges} tiles={tiles} /> : null)}
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
  /** Where tiles come from; the daemon's basemap and this browser's switch when absent. */
  tiles?: TileSource;
  small?: boolean;
  /** Keys along a packet's path, sender first: drawn as a highlighted line. */
  path?: readonly string[];
}) {
  const host = useRef<HTMLElement>(null);
  /** Why tiles could not load ("" for the usual reason: no internet), or null. */
  const [tileFailed, setTileFailed] = useState<string | null>(null);
  const placed = props.nodes.filter(hasPosition);
  const { api } = useApp();
  const basemap = useBasemap(api);
  const tiles = props.tiles ?? (basemap === "loading" ? null : tileSource(basemap, tilesWanted()));
  const tileKey = tiles === null ? "" : JSON.stringify(tiles);

  useEffect(() => {
    const el = host.current;
    if (!el || tiles === null) return;
    const on = tiles.kind !== "off";
    const map = L.map(el, { attributionControl: on, zoomControl: !props.small });
    let removed = false;
    if (tiles.kind === "url") {
      const layer = L.tileLayer(tiles.template, {
        maxZoom: 18,
        attribution: "© OpenStreetMap contributors",
      });
      layer.on("tileerror", () => setTileFailed(""));
      layer.addTo(map);
    } else if (tiles.kind === "pmtiles") {
      // Its own chunk, fetched only when a map shows offline tiles.
      void import("../offline-tiles.ts")
        .then((m) => m.pmtilesLayer(tiles.url))
        .then((layer) => {
          if (!removed) layer.addTo(map);
        })
        .catch((err: unknown) => {
          if (!removed) setTileFailed(String(err).slice(0, 200));
        });
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
        {
          color: "#e03131",
          weight: 4,
          opacity: 0.9,
          interactive: false,
          className: "packet-path",
          // Keep every hop's vertex: simplification would drop nearly collinear relays.
          smoothFactor: 0,
        },
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
      removed = true;
      map.remove();
    };
  }, [placed.length, props.nodes, props.edges, props.path, tileKey, props.small]);

  return (
    <div class="map-wrap">
      <section
        ref={host}
        class={props.small ? "map small" : "map"}
        aria-label="Map of nodes"
        data-testid="map"
      />
      {placed.length === 0 ? <p class="muted">No node has shared a position yet.</p> : null}
      {tileFailed !== null ? (
        <p class="muted" data-testid="tiles-off">
          Map tiles could not load{tileFailed ? ` (${tileFailed})` : ""}; positions are drawn on a
          plain background.
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
