/**
 * The offline basemap layer: the daemon's PMTiles archive read with HTTP
 * Range requests. Raster archives (PNG, JPEG, WebP) draw through the pmtiles
 * Leaflet layer; vector archives (the usual regional extract) through
 * protomaps-leaflet. Loaded on demand as its own chunk, so pages without an
 * offline map never download it.
 */
import type L from "leaflet";
import { leafletRasterLayer, PMTiles, TileType } from "pmtiles";
import { leafletLayer } from "protomaps-leaflet";

const ATTRIBUTION = "© OpenStreetMap contributors (offline extract)";
/** The Protomaps basemap style vector archives are drawn in. */
export const VECTOR_FLAVOR = "light";

export async function pmtilesLayer(url: string): Promise<L.Layer> {
  const archive = new PMTiles(url);
  const h = await archive.getHeader();
  if (h.tileType === TileType.Mvt) {
    return leafletLayer({
      url,
      flavor: VECTOR_FLAVOR,
      lang: "en",
      maxDataZoom: h.maxZoom,
      attribution: ATTRIBUTION,
    }) as unknown as L.Layer;
  }
  return leafletRasterLayer(archive, {
    maxNativeZoom: h.maxZoom,
    minZoom: 0,
    maxZoom: 18,
    attribution: ATTRIBUTION,
  }) as L.Layer;
}
