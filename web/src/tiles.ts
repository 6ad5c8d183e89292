/**
 * Where the map's tiles come from: the daemon's setting (http.basemap: online,
 * offline PMTiles archive, or none) combined with this browser's own "map
 * tiles" switch. Asked once per page load; every map on the page shares it.
 */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "./api.ts";
import type { BasemapInfo } from "./model.ts";

export const DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_KEY = "meshgate.tiles";

export type TileSource =
  | { readonly kind: "off"; readonly why: string | null }
  | { readonly kind: "url"; readonly template: string }
  | { readonly kind: "pmtiles"; readonly url: string };

/** This browser's switch: false when the user unticked "map tiles". */
export function tilesWanted(): boolean {
  try {
    return localStorage.getItem(TILE_KEY) !== "off";
  } catch {
    return true;
  }
}

export function setTilesWanted(on: boolean): void {
  try {
    localStorage.setItem(TILE_KEY, on ? DEFAULT_TILES : "off");
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** The tile source for a daemon answer (null: an older daemon without the endpoint). */
export function tileSource(info: BasemapInfo | null, wanted: boolean): TileSource {
  if (!wanted) return { kind: "off", why: null };
  if (info === null || info.mode === "online") return { kind: "url", template: DEFAULT_TILES };
  if (info.mode === "none") return { kind: "off", why: "this gateway shows no map tiles" };
  if (info.url === null) return { kind: "off", why: info.problem };
  return { kind: "pmtiles", url: info.url };
}

let asked: Promise<BasemapInfo | null> | null = null;

/** The daemon's basemap setting, fetched once per page load. */
export function useBasemap(api: Api): BasemapInfo | null | "loading" {
  const [info, setInfo] = useState<BasemapInfo | null | "loading">("loading");
  useEffect(() => {
    let alive = true;
    asked ??= api.basemap().then((r) => (r.kind === "ok" ? r.data : null));
    void asked.then((i) => {
      if (alive) setInfo(i);
    });
    return () => {
      alive = false;
    };
  }, [api]);
  return info;
}
