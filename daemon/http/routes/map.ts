/** The map's basemap: online tiles, the offline PMTiles archive, or none. */
import { basemapOf } from "../basemap.ts";
import type { AppContext } from "../context.ts";
import { get, type Route } from "../router.ts";

export function mapRoutes(app: AppContext): Route[] {
  return [get("/api/map/basemap", [], () => basemapOf(app.deps).info())];
}
